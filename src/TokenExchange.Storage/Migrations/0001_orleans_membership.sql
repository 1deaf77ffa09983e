-- Orleans cluster membership for the ADO.NET clustering provider (invariant Npgsql).
-- Written for this project from the provider's documented contract: the provider reads its SQL from
-- orleansquery by key, binds @-parameters by name and reads result columns by name. Unquoted names:
-- the provider issues them unquoted, so PostgreSQL folds them to lower case.

-- The SQL the Orleans ADO.NET providers run, by key. Read whole at start-up.
CREATE TABLE orleansquery (
    querykey   text PRIMARY KEY,
    querytext  text NOT NULL
);

-- One row per cluster (ClusterId = "DeploymentId"): the membership table's version, the optimistic
-- concurrency token of every membership change.
CREATE TABLE orleansmembershipversiontable (
    deploymentid  text PRIMARY KEY,
    version       integer NOT NULL DEFAULT 0 CHECK (version >= 0),
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE orleansmembershiptable (
    deploymentid  text NOT NULL REFERENCES orleansmembershipversiontable (deploymentid) ON DELETE CASCADE,
    address       text NOT NULL,
    port          integer NOT NULL,
    generation    integer NOT NULL,
    siloname      text NOT NULL,
    hostname      text NOT NULL,
    status        integer NOT NULL,
    proxyport     integer NOT NULL DEFAULT 0,
    suspecttimes  text,
    starttime     timestamptz NOT NULL,
    iamalivetime  timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Inserting a member and updating one must move the table version in the same step, and only from the
-- version the silo last read. The version row's lock serialises concurrent changes to one cluster.
CREATE FUNCTION tx_membership_bump(p_deploymentid text, p_version integer) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orleansmembershipversiontable
       SET version = version + 1, changed_at = now()
     WHERE deploymentid = p_deploymentid AND version = p_version AND version < 2147483647;
    RETURN FOUND;
END $$;

-- Undoes this transaction's bump when the member change itself found nothing to do (the version row's
-- lock is still held, so nobody else moved it meanwhile).
CREATE FUNCTION tx_membership_unbump(p_deploymentid text) RETURNS integer
LANGUAGE sql AS $$
    UPDATE orleansmembershipversiontable SET version = version - 1 WHERE deploymentid = p_deploymentid;
    SELECT 0;
$$;

CREATE FUNCTION tx_membership_insert(
    p_deploymentid text, p_address text, p_port integer, p_generation integer, p_siloname text,
    p_hostname text, p_status integer, p_proxyport integer, p_starttime timestamptz,
    p_iamalivetime timestamptz, p_version integer) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT tx_membership_bump(p_deploymentid, p_version) THEN
        RETURN 0;
    END IF;
    INSERT INTO orleansmembershiptable
           (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    VALUES (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname, p_status, p_proxyport, p_starttime, p_iamalivetime)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN tx_membership_unbump(p_deploymentid); -- the member exists already
    END IF;
    RETURN 1;
END $$;

CREATE FUNCTION tx_membership_update(
    p_deploymentid text, p_address text, p_port integer, p_generation integer, p_status integer,
    p_suspecttimes text, p_iamalivetime timestamptz, p_version integer) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT tx_membership_bump(p_deploymentid, p_version) THEN
        RETURN 0;
    END IF;
    UPDATE orleansmembershiptable
       SET status = p_status, suspecttimes = p_suspecttimes, iamalivetime = GREATEST(iamalivetime, p_iamalivetime)
     WHERE deploymentid = p_deploymentid AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN tx_membership_unbump(p_deploymentid); -- no such member
    END IF;
    RETURN 1;
END $$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
    WITH created AS (
        INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
        ON CONFLICT (deploymentid) DO NOTHING
        RETURNING 1)
    SELECT count(*) FROM created
$q$),
('InsertMembershipKey', $q$
    SELECT tx_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                                @ProxyPort, @StartTime, @IAmAliveTime, @Version)
$q$),
('UpdateMembershipKey', $q$
    SELECT tx_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                @IAmAliveTime, @Version)
$q$),
('UpdateIAmAlivetimeKey', $q$
    UPDATE orleansmembershiptable
       SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
     WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
('MembershipReadRowKey', $q$
    SELECT v.version, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m
        ON m.deploymentid = v.deploymentid
       AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
     WHERE v.deploymentid = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
    SELECT v.version, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
     WHERE v.deploymentid = @DeploymentId
$q$),
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId
$q$),
('GatewaysQueryKey', $q$
    SELECT address, proxyport, generation
      FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0
$q$),
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status <> 3
$q$);
