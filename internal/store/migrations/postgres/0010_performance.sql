-- Change log of the BIA dependency graph, so that each server process can
-- bring its in-memory graph up to date by loading only the nodes that
-- changed. Every change that bumps bia_rev records, with the new revision,
-- the nodes whose attributes or dependencies changed ("p12", "r7"), or "*"
-- when everything must be loaded again (an import). Rows older than the
-- window the store keeps are pruned; a process further behind loads the
-- whole graph.
CREATE TABLE bia_changes (
    rev  BIGINT NOT NULL,
    node TEXT NOT NULL
);
CREATE INDEX bia_changes_rev ON bia_changes(rev);
