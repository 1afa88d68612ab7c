/**
 * Companies: what a requester may type as a company name, the key it maps to, and the Cognito
 * group of its members. The key is what the `companyMembers` table and the group are named by;
 * the display name an operator registered is what emails and pages show, never the typed text.
 */

/** A company's own item in `companyMembers` has this `userId` (it sorts before every `sub`). */
export const COMPANY_ITEM = '#company';

/** Longest company name a requester may type (also the custom attribute's maximum). */
export const COMPANY_NAME_MAX = 64;

/**
 * Letters, marks, digits, spaces and the punctuation company names use. No `:`, `/`, `@` or
 * `<`: a name cannot carry a link, an address or markup; no control or format characters (which
 * include the bidi overrides).
 */
const ALLOWED = /^[\p{L}\p{M}\p{N} &'.,()-]+$/u;

export class CompanyNameError extends Error {
  override name = 'CompanyNameError';
}

/**
 * The typed name, normalised (NFKC, spaces collapsed, trimmed), or a CompanyNameError that says
 * what is wrong with it and what to type instead.
 */
export function checkCompanyName(typed: string): string {
  const name = typed.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  if (name === '') {
    throw new CompanyNameError(
      'A company name is required: enter the name of the company you work for (attribute custom:company_name).',
    );
  }
  if ([...name].length > COMPANY_NAME_MAX) {
    throw new CompanyNameError(
      `The company name is ${[...name].length} characters long; enter at most ${COMPANY_NAME_MAX}.`,
    );
  }
  if (!ALLOWED.test(name)) {
    throw new CompanyNameError(
      "The company name may contain only letters, digits, spaces and & ' . , ( ) -: enter it as your company writes it, without other symbols.",
    );
  }
  if (companyKey(name) === '') {
    throw new CompanyNameError('The company name needs at least one letter or digit.');
  }
  return name;
}

/**
 * The company's key: lower case, each run of other characters one `-`. "Acme Corp" and
 * "ACME  corp." are both `acme-corp`. Always a valid part of a Cognito group name.
 */
export function companyKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The Cognito group of the company's members: `company-<key>`. AWS's CreateGroup accepts
 * `[\p{L}\p{M}\p{S}\p{N}\p{P}]+` up to 128 characters; a key of at most 64 letters, marks,
 * digits and dashes always fits.
 */
export function companyGroupName(key: string): string {
  return `company-${key}`;
}
