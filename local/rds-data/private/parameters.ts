/**
 * SqlParameter values bound to the positions of the SQL, with the types the Data API binds them
 * with: stringValue as varchar (so a string into a uuid or jsonb column fails, as on AWS, unless
 * a typeHint says otherwise), longValue int8, doubleValue float8, booleanValue bool, blobValue
 * bytea, isNull untyped. A typeHint binds the string as DATE, TIME, TIMESTAMP, DECIMAL, JSON or
 * UUID, in the formats the API reference accepts. Array parameters are refused, as by AWS.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_SqlParameter.html
 */
import { badRequest } from '../errors.ts';
import type { Field, SqlParameter, TypeHint } from '../requests.ts';

export interface BoundValues {
  readonly values: unknown[];
  /** The parameter type oids for the Parse message; 0 lets PostgreSQL infer the type. */
  readonly oids: number[];
}

const OID = { unspecified: 0, bool: 16, bytea: 17, int8: 20, float8: 701, varchar: 1043 } as const;

const HINTS: Readonly<Record<TypeHint, { oid: number; format?: RegExp; shape?: string }>> = {
  DATE: { oid: 1082, format: /^\d{4}-\d{1,2}-\d{1,2}$/, shape: 'YYYY-MM-DD' },
  TIME: { oid: 1083, format: /^\d{1,2}:\d{2}:\d{2}(\.\d{1,9})?$/, shape: 'HH:MM:SS[.FFF]' },
  TIMESTAMP: {
    oid: 1114,
    format: /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}(\.\d{1,9})?$/,
    shape: 'YYYY-MM-DD HH:MM:SS[.FFF]',
  },
  DECIMAL: { oid: 1700 },
  JSON: { oid: 114 },
  UUID: { oid: 2950 },
};

function setMembers(field: Field): string[] {
  return Object.entries(field)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

function bindOne(parameter: SqlParameter, name: string): { value: unknown; oid: number } {
  const field = parameter.value ?? {};
  const members = setMembers(field);
  if (members.length !== 1) {
    throw badRequest(
      `Parameter "${name}" must set exactly one member of its value (stringValue, longValue, ...); ` +
        `it sets ${members.length === 0 ? 'none' : members.join(' and ')}.`,
    );
  }
  if (field.arrayValue !== undefined) throw badRequest('Array parameters are not supported.');
  const hint = parameter.typeHint;
  if (hint !== undefined && field.stringValue === undefined && field.isNull !== true) {
    throw badRequest(`Parameter "${name}": typeHint ${hint} applies to a stringValue, not to ${members[0]}.`);
  }
  if (field.isNull === true) return { value: null, oid: OID.unspecified };
  if (field.stringValue !== undefined) {
    if (hint === undefined) return { value: field.stringValue, oid: OID.varchar };
    const { oid, format, shape } = HINTS[hint];
    if (format !== undefined && !format.test(field.stringValue)) {
      throw badRequest(
        `Parameter "${name}": '${field.stringValue}' is not a ${hint} value; the accepted format is ${shape}.`,
      );
    }
    return { value: field.stringValue, oid };
  }
  if (field.longValue !== undefined) return { value: String(field.longValue), oid: OID.int8 };
  if (field.doubleValue !== undefined) return { value: String(field.doubleValue), oid: OID.float8 };
  if (field.booleanValue !== undefined) return { value: field.booleanValue, oid: OID.bool };
  if (field.blobValue !== undefined) return { value: Buffer.from(field.blobValue, 'base64'), oid: OID.bytea };
  throw badRequest(`Parameter "${name}": isNull must be true when it is the member set.`);
}

/** The values for `$1..$n`, where `names[i]` names `$i+1`. */
export function bindValues(names: readonly string[], parameters: readonly SqlParameter[]): BoundValues {
  const byName = new Map<string, SqlParameter>();
  for (const parameter of parameters) {
    if (parameter.name === undefined || parameter.name === '') {
      throw badRequest('Every parameter needs a name: the SQL refers to it as :name.');
    }
    if (byName.has(parameter.name)) throw badRequest(`The parameter "${parameter.name}" is given twice.`);
    byName.set(parameter.name, parameter);
  }
  const values: unknown[] = [];
  const oids: number[] = [];
  for (const name of names) {
    const parameter = byName.get(name);
    if (parameter === undefined) {
      const slice = /^\d/.test(name)
        ? ' (an array slice such as a[1:2] reads as a parameter: write a[1 : 2])'
        : '';
      throw badRequest(`The SQL refers to :${name} but no parameter named "${name}" was given${slice}.`);
    }
    const bound = bindOne(parameter, name);
    values.push(bound.value);
    oids.push(bound.oid);
  }
  return { values, oids };
}
