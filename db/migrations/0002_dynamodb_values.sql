-- DynamoDB attribute values (the typed JSON of stream images: {"S": …}, {"N": …}, {"M": {…}}, …)
-- as plain values, so that stream-sync's upsert maps a batch of images to rows in the database,
-- one set-wise statement, instead of attribute by attribute in the state machine.
-- Each function is one statement: no line inside ends with a semicolon (db/migrate.ts splits there).
-- The value as JSON: S and B as strings, N as an exact number, BOOL, NULL as null, M as an
-- object, L as an array (in order), SS/NS/BS as arrays; NULL when the attribute is absent.

-- Any depth (recursive, so PL/pgSQL). Scalars inside maps and lists are converted in place,
-- which saves a call per leaf.
CREATE FUNCTION ddb_value(v jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $body$
BEGIN
  RETURN CASE
    WHEN v ? 'S' THEN v -> 'S'
    WHEN v ? 'N' THEN to_jsonb((v ->> 'N')::numeric)
    WHEN v ? 'BOOL' THEN v -> 'BOOL'
    WHEN v ? 'NULL' THEN 'null'::jsonb
    WHEN v ? 'M' THEN coalesce((SELECT jsonb_object_agg(key, CASE WHEN value ? 'S' THEN value -> 'S' WHEN value ? 'N' THEN to_jsonb((value ->> 'N')::numeric) WHEN value ? 'BOOL' THEN value -> 'BOOL' ELSE ddb_value(value) END) FROM jsonb_each(v -> 'M')), '{}'::jsonb)
    WHEN v ? 'L' THEN coalesce((SELECT jsonb_agg(CASE WHEN e ? 'S' THEN e -> 'S' WHEN e ? 'N' THEN to_jsonb((e ->> 'N')::numeric) WHEN e ? 'BOOL' THEN e -> 'BOOL' ELSE ddb_value(e) END ORDER BY i) FROM jsonb_array_elements(v -> 'L') WITH ORDINALITY AS x(e, i)), '[]'::jsonb)
    WHEN v ? 'NS' THEN (SELECT jsonb_agg(to_jsonb(n::numeric) ORDER BY i) FROM jsonb_array_elements_text(v -> 'NS') WITH ORDINALITY AS x(n, i))
    WHEN v ? 'SS' THEN v -> 'SS'
    WHEN v ? 'B' THEN v -> 'B'
    WHEN v ? 'BS' THEN v -> 'BS'
  END; END
$body$;

-- What a jsonb column takes: the same value, with the common shapes (a scalar, a map or list of
-- scalars) in plain SQL, about three times faster than PL/pgSQL; deeper values go to ddb_value.
CREATE FUNCTION ddb_json(v jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
  WHEN v ? 'S' THEN v -> 'S'
  WHEN v ? 'N' THEN to_jsonb((v ->> 'N')::numeric)
  WHEN v ? 'BOOL' THEN v -> 'BOOL'
  WHEN v ? 'M' THEN coalesce((SELECT jsonb_object_agg(key, CASE WHEN value ? 'S' THEN value -> 'S' WHEN value ? 'N' THEN to_jsonb((value ->> 'N')::numeric) WHEN value ? 'BOOL' THEN value -> 'BOOL' ELSE ddb_value(value) END) FROM jsonb_each(v -> 'M')), '{}'::jsonb)
  ELSE ddb_value(v)
END;

-- What a scalar column takes, as text: S as it is, N in its exact decimal form, BOOL as
-- true/false; a map or list as its JSON text.
CREATE FUNCTION ddb_text(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN coalesce(v ->> 'S', v ->> 'N', ddb_json(v) #>> '{}');
