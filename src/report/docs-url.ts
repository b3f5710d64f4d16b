/** Where each check's page lives; every finding links to it. */
export const DOCS_BASE = 'https://github.com/migrate-check/migrate-check/blob/main/docs/checks';

export function docsUrl(check: string): string {
  return `${DOCS_BASE}/${check}.md`;
}
