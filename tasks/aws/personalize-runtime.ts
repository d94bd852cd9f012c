/**
 * Amazon Personalize runtime: the operations the health-check canary calls, each in one place.
 * Errors are the SDK's (classified with ./errors); callers decide what a failure means for them.
 * Both are reads (`Get*`): a read-only client lets them through.
 */
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  type GetPersonalizedRankingCommandOutput,
  type GetRecommendationsCommandOutput,
  type PersonalizeRuntimeClient,
} from '@aws-sdk/client-personalize-runtime';

export type { GetPersonalizedRankingCommandOutput, GetRecommendationsCommandOutput, PersonalizeRuntimeClient, PredictedItem } from '@aws-sdk/client-personalize-runtime';

/** What GetRecommendations asks one campaign or recommender (exactly one ARN). */
export type RecommendationsRequest = ({ campaignArn: string; recommenderArn?: never } | { recommenderArn: string; campaignArn?: never }) & {
  userId?: string;
  itemId?: string;
  numResults: number;
};

/** What GetPersonalizedRanking asks a personalized-ranking campaign. */
export interface RankingRequest {
  campaignArn: string;
  userId: string;
  inputList: string[];
}

/** GetRecommendations (the request as given; `abortSignal` ends it early, e.g. on a timeout). */
export async function getRecommendations(client: PersonalizeRuntimeClient, request: RecommendationsRequest, abortSignal?: AbortSignal): Promise<GetRecommendationsCommandOutput> {
  return client.send(
    new GetRecommendationsCommand({ campaignArn: request.campaignArn, recommenderArn: request.recommenderArn, userId: request.userId, itemId: request.itemId, numResults: request.numResults }),
    abortSignal ? { abortSignal } : undefined,
  );
}

/** GetPersonalizedRanking (the request as given). */
export async function getPersonalizedRanking(client: PersonalizeRuntimeClient, request: RankingRequest, abortSignal?: AbortSignal): Promise<GetPersonalizedRankingCommandOutput> {
  return client.send(new GetPersonalizedRankingCommand({ campaignArn: request.campaignArn, userId: request.userId, inputList: request.inputList }), abortSignal ? { abortSignal } : undefined);
}
