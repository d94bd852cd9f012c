/**
 * Every string in cdk.tf.json is a Terraform template: a literal `${` or `%{` would be evaluated
 * (deploy-traps 25). cdktf's own token markers (`${TfToken[...]}`) must stay as they are: they
 * become the references.
 */

/** Escapes literal `${` → `$${` and `%{` → `%%{`, leaving cdktf token markers intact. */
export function escapeTemplateLiterals(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** `JSON.stringify` for text embedded in cdk.tf.json (definitions, inputs, environment values). */
export function terraformJson(value: unknown): string {
  return escapeTemplateLiterals(JSON.stringify(value));
}
