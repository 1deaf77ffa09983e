-- Grain state for the ADO.NET grain storage provider (invariant Npgsql), written for this project from
-- the provider's contract: a grain is identified by service, state name and its id in three parts
-- (two int64 and an optional string); the hashes only speed up the lookup. Version is the ETag.
CREATE TABLE orleansstorage (
    serviceid               text NOT NULL,
    graintypestring         text NOT NULL,
    graintypehash           integer NOT NULL,
    grainidhash             integer NOT NULL,
    grainidn0               bigint NOT NULL,
    grainidn1               bigint NOT NULL,
    grainidextensionstring  text,
    payloadbinary           bytea,
    version                 integer,
    modifiedon              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleansstorage_grain UNIQUE NULLS NOT DISTINCT
        (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring)
);
CREATE INDEX orleansstorage_hashes ON orleansstorage (grainidhash, graintypehash);

-- A write inserts the first version (1) or moves an existing row from the version the grain read to
-- the next; anything else returns NULL, which the provider reports as an inconsistent state.
CREATE FUNCTION tx_grain_state_write(
    p_serviceid text, p_graintypestring text, p_graintypehash integer, p_grainidhash integer,
    p_grainidn0 bigint, p_grainidn1 bigint, p_grainidextensionstring text, p_version integer,
    p_payload bytea) RETURNS TABLE (newgrainstateversion integer)
LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO orleansstorage (serviceid, graintypestring, graintypehash, grainidhash, grainidn0, grainidn1,
                                    grainidextensionstring, payloadbinary, version)
        VALUES (p_serviceid, p_graintypestring, p_graintypehash, p_grainidhash, p_grainidn0, p_grainidn1,
                p_grainidextensionstring, p_payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO written;
    ELSE
        UPDATE orleansstorage
           SET payloadbinary = p_payload, version = version + 1, modifiedon = now()
         WHERE serviceid = p_serviceid AND graintypestring = p_graintypestring
           AND grainidhash = p_grainidhash AND graintypehash = p_graintypehash
           AND grainidn0 = p_grainidn0 AND grainidn1 = p_grainidn1
           AND grainidextensionstring IS NOT DISTINCT FROM p_grainidextensionstring
           AND version = p_version
        RETURNING version INTO written;
    END IF;
    RETURN QUERY SELECT written;
END $$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
    SELECT payloadbinary, version
      FROM orleansstorage
     WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
       AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
       AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
       AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),
('WriteToStorageKey', $q$
    SELECT newgrainstateversion
      FROM tx_grain_state_write(@ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash, @GrainIdN0, @GrainIdN1,
                                @GrainIdExtensionString, @GrainStateVersion, @PayloadBinary)
$q$),
('ClearStorageKey', $q$
    UPDATE orleansstorage
       SET payloadbinary = NULL, version = version + 1, modifiedon = now()
     WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
       AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
       AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
       AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version
$q$),
('DeleteStorageKey', $q$
    DELETE FROM orleansstorage
     WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
       AND serviceid = @ServiceId AND graintypestring = @GrainTypeString
       AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
       AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version + 1
$q$);
