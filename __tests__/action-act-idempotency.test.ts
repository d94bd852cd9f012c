import { mockClient } from 'aws-sdk-client-mock';
import {
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  PersonalizeClient,
  StopRecommenderCommand,
  UpdateCampaignCommand,
  UpdateRecommenderCommand,
} from '@aws-sdk/client-personalize';
import { act } from '../tasks/action-act/act';
import { checkSettled } from '../tasks/action-check-settled/settle';
import { Logger } from '../tasks/shared/logger';
import { CAMPAIGN_ARN, NOW, RECOMMENDER_ARN, RUN, capacityRequest, request } from './support/action-fixtures';

const personalize = mockClient(PersonalizeClient);
const deps = () => ({ personalize: () => new PersonalizeClient({ region: 'us-east-1' }), now: () => NOW, logger: new Logger('t', {}, 'OFF') });
/** Created long before any idle window: only its status decides. */
const created = new Date('2026-01-01T00:00:00Z');
const awsError = (name: string) => Object.assign(new Error(`${name} from Personalize`), { name });
const stop = () => request({ action: 'stop', resourceArn: RECOMMENDER_ARN, resourceType: 'recommender', name: 'home-picks' });

const fullConfig = {
  itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '7' },
  minRecommendationRequestsPerSecond: 10,
  trainingDataConfig: { excludedDatasetColumns: { INTERACTIONS: ['EVENT_VALUE'] } },
  enableMetadataWithRecommendations: true,
};

beforeEach(() => personalize.reset());

describe('act: delete a campaign', () => {
  it('deletes an ACTIVE campaign once', async () => {
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { status: 'ACTIVE', creationDateTime: created, minProvisionedTPS: 1 } });
    personalize.on(DeleteCampaignCommand).resolves({});
    expect(await act({ request: request(), run: RUN }, deps())).toEqual({ result: 'requested', detail: 'delete requested' });
    expect(personalize.commandCalls(DeleteCampaignCommand).map((c) => c.args[0].input)).toEqual([{ campaignArn: CAMPAIGN_ARN }]);
  });

  it('counts a campaign already deleting as done and makes no second call', async () => {
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { status: 'DELETE IN_PROGRESS', creationDateTime: created } });
    expect((await act({ request: request(), run: RUN }, deps())).result).toBe('alreadyDone');
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
  });

  it('treats ResourceInUseException from a delete that raced another one as done', async () => {
    personalize.on(DescribeCampaignCommand).resolvesOnce({ campaign: { status: 'ACTIVE', creationDateTime: created } }).resolves({ campaign: { status: 'DELETE PENDING', creationDateTime: created } });
    personalize.on(DeleteCampaignCommand).rejects(awsError('ResourceInUseException'));
    expect((await act({ request: request(), run: RUN }, deps())).result).toBe('alreadyDone');
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(1);
  });

  it('treats ResourceNotFound on delete as done', async () => {
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { status: 'ACTIVE', creationDateTime: created } });
    personalize.on(DeleteCampaignCommand).rejects(awsError('ResourceNotFoundException'));
    expect((await act({ request: request(), run: RUN }, deps())).result).toBe('alreadyDone');
  });

  it('rethrows ResourceInUseException when the resource is busy with something else', async () => {
    personalize.on(DescribeCampaignCommand).resolvesOnce({ campaign: { status: 'ACTIVE', creationDateTime: created } }).resolves({ campaign: { status: 'ACTIVE', creationDateTime: created, latestCampaignUpdate: { status: 'CREATE IN_PROGRESS', creationDateTime: created } } });
    personalize.on(DeleteCampaignCommand).rejects(awsError('ResourceInUseException'));
    await expect(act({ request: request(), run: RUN }, deps())).rejects.toMatchObject({ name: 'ActionFailedError', message: expect.stringMatching(/ResourceInUseException/) });
  });

  it('throws the retryable ThrottlingException when Personalize throttles', async () => {
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { status: 'ACTIVE', creationDateTime: created } });
    personalize.on(DeleteCampaignCommand).rejects(awsError('ThrottlingException'));
    await expect(act({ request: request(), run: RUN }, deps())).rejects.toMatchObject({ name: 'ThrottlingException', message: expect.stringMatching(/DeleteCampaign .* throttled/) });
  });

  it('refuses to act when the status moved to one that is not updatable', async () => {
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { status: 'CREATE IN_PROGRESS', creationDateTime: created } });
    await expect(act({ request: request(), run: RUN }, deps())).rejects.toMatchObject({ name: 'ActionFailedError' });
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
  });
});

describe('act: stop a recommender', () => {
  it('stops an ACTIVE recommender', async () => {
    personalize.on(DescribeRecommenderCommand).resolves({ recommender: { status: 'ACTIVE', creationDateTime: created, recommenderConfig: fullConfig } });
    personalize.on(StopRecommenderCommand).resolves({});
    expect((await act({ request: stop(), run: RUN }, deps())).result).toBe('requested');
    expect(personalize.commandCalls(StopRecommenderCommand)[0].args[0].input).toEqual({ recommenderArn: RECOMMENDER_ARN });
  });

  it.each(['STOP PENDING', 'INACTIVE'])('counts a recommender in %s as done, no second call', async (status) => {
    personalize.on(DescribeRecommenderCommand).resolves({ recommender: { status } });
    expect((await act({ request: stop(), run: RUN }, deps())).result).toBe('alreadyDone');
    expect(personalize.commandCalls(StopRecommenderCommand)).toHaveLength(0);
  });
});

describe('act: set a minimum', () => {
  it('UpdateRecommender gets the whole config with only the minimum changed', async () => {
    personalize.on(DescribeRecommenderCommand).resolves({ recommender: { status: 'ACTIVE', creationDateTime: created, recommenderConfig: fullConfig } });
    personalize.on(UpdateRecommenderCommand).resolves({});
    await act({ request: capacityRequest(), run: RUN }, deps());
    const sent = personalize.commandCalls(UpdateRecommenderCommand)[0].args[0].input;
    expect(sent).toEqual({ recommenderArn: RECOMMENDER_ARN, recommenderConfig: { ...fullConfig, minRecommendationRequestsPerSecond: 4 } });
    expect(fullConfig.minRecommendationRequestsPerSecond).toBe(10);
  });

  it('UpdateCampaign sets minProvisionedTPS', async () => {
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { status: 'ACTIVE', creationDateTime: created, minProvisionedTPS: 10 } });
    personalize.on(UpdateCampaignCommand).resolves({});
    const req = capacityRequest({ resourceArn: CAMPAIGN_ARN, resourceType: 'campaign', name: 'shop-ranking' });
    await act({ request: req, run: RUN }, deps());
    expect(personalize.commandCalls(UpdateCampaignCommand)[0].args[0].input).toEqual({ campaignArn: CAMPAIGN_ARN, minProvisionedTPS: 4 });
  });

  it('makes no call when an update to the same minimum is already in progress (a retried Act)', async () => {
    personalize.on(DescribeRecommenderCommand).resolves({
      recommender: { status: 'ACTIVE', creationDateTime: created, recommenderConfig: fullConfig, latestRecommenderUpdate: { status: 'CREATE IN_PROGRESS', creationDateTime: created, recommenderConfig: { ...fullConfig, minRecommendationRequestsPerSecond: 4 } } },
    });
    expect((await act({ request: capacityRequest(), run: RUN }, deps())).result).toBe('alreadyDone');
    expect(personalize.commandCalls(UpdateRecommenderCommand)).toHaveLength(0);
  });
});

describe('check-settled', () => {
  it('counts rounds and reports settled once the campaign is gone', async () => {
    personalize.on(DescribeCampaignCommand).resolvesOnce({ campaign: { status: 'DELETE IN_PROGRESS', creationDateTime: created } }).rejects(awsError('ResourceNotFoundException'));
    const first = await checkSettled({ request: request(), run: RUN }, deps());
    expect(first).toMatchObject({ settled: false, rounds: 1, status: 'DELETE IN PROGRESS' });
    const second = await checkSettled({ request: request(), run: RUN, settle: first }, deps());
    expect(second).toMatchObject({ settled: true, rounds: 2, status: 'GONE' });
  });

  it('fails at once when the update to the new minimum failed', async () => {
    personalize.on(DescribeRecommenderCommand).resolves({
      recommender: { status: 'ACTIVE', creationDateTime: created, recommenderConfig: fullConfig, latestRecommenderUpdate: { status: 'CREATE FAILED', creationDateTime: created, recommenderConfig: { minRecommendationRequestsPerSecond: 4 } } },
    });
    await expect(checkSettled({ request: capacityRequest(), run: RUN, settle: { rounds: 3 } }, deps())).rejects.toMatchObject({ name: 'ActionFailedError', message: expect.stringMatching(/FAILED/) });
  });
});
