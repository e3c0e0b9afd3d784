-- Risk register: assessment matrices, risks, and the history of their
-- assessments.

-- A matrix's scales and bands are read and written as a whole, so they are
-- one JSON document. The built-in matrices are seeded here, as
-- risk.BuiltinMatrices describes them (a test keeps the two equal).
CREATE TABLE risk_matrices (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    definition  TEXT NOT NULL,
    builtin     INTEGER NOT NULL DEFAULT 0,
    sort_order  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE risks (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL,
    title_en       TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL,
    cause          TEXT NOT NULL DEFAULT '',
    consequence    TEXT NOT NULL DEFAULT '',
    owner_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    -- Affected business processes and treatment actions as JSON arrays:
    -- always read and written with the risk, never queried on their own.
    process_ids    TEXT NOT NULL DEFAULT '[]',
    controls       TEXT NOT NULL DEFAULT '',
    treatment      TEXT NOT NULL DEFAULT '',
    actions        TEXT NOT NULL DEFAULT '[]',
    status         TEXT NOT NULL,
    -- Calendar days as YYYY-MM-DD, compared as text.
    review_date    TEXT NOT NULL DEFAULT '',
    -- The current inherent and residual ratings: copies of the latest
    -- assessment of each kind, so that lists and heatmaps need no join.
    inh_matrix     TEXT REFERENCES risk_matrices(id),
    inh_likelihood INTEGER,
    inh_impact     INTEGER,
    inh_score      INTEGER,
    inh_level      TEXT,
    inh_at         TIMESTAMP,
    res_matrix     TEXT REFERENCES risk_matrices(id),
    res_likelihood INTEGER,
    res_impact     INTEGER,
    res_score      INTEGER,
    res_level      TEXT,
    res_at         TIMESTAMP,
    -- The level that counts now (residual when assessed, else inherent),
    -- its rank (0 not assessed, 1 low … 4 critical) and score, for ranking.
    level          TEXT NOT NULL DEFAULT '',
    level_rank     INTEGER NOT NULL DEFAULT 0,
    score          INTEGER NOT NULL DEFAULT 0,
    search         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX risks_code ON risks(code) WHERE code <> '';
-- The ranked list walks risks_rank in order. The indexes below also hold
-- the columns the list filters on, so that filtering and counting a
-- register of 100,000 risks read an index, never the table: risks_rank
-- for no filter, the level (level_rank), overdue reviews and text search;
-- risks_category and risks_unit for those filters.
CREATE INDEX risks_rank ON risks(level_rank DESC, score DESC, id, category, unit_id, owner_id, status, review_date, search);
CREATE INDEX risks_category ON risks(category, level_rank DESC, score DESC, id, unit_id, owner_id, status, review_date);
-- Also the top risks of each unit, and the unit's foreign key.
CREATE INDEX risks_unit ON risks(unit_id, level_rank DESC, score DESC, id, status, category, owner_id, review_date);
CREATE INDEX risks_owner ON risks(owner_id);
-- Heatmap cells: counted, and their highest ranked risks listed, from the
-- index alone.
CREATE INDEX risks_inh_cell ON risks(inh_matrix, inh_likelihood, inh_impact, level_rank DESC, score DESC, id, status, category, unit_id);
CREATE INDEX risks_res_cell ON risks(res_matrix, res_likelihood, res_impact, level_rank DESC, score DESC, id, status, category, unit_id);

-- Every assessment ever made, kept for the trend of each risk.
CREATE TABLE risk_assessments (
    id               INTEGER PRIMARY KEY,
    risk_id          INTEGER NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    matrix_id        TEXT NOT NULL REFERENCES risk_matrices(id),
    kind             TEXT NOT NULL,
    likelihood       INTEGER NOT NULL,
    impact           INTEGER NOT NULL,
    predictability   INTEGER,
    score            INTEGER NOT NULL,
    level            TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    assessed_by      INTEGER NOT NULL DEFAULT 0,
    assessed_by_name TEXT NOT NULL DEFAULT '',
    assessed_at      TIMESTAMP NOT NULL
);
CREATE INDEX risk_assessments_risk ON risk_assessments(risk_id, id);

INSERT INTO risk_matrices (id, name, name_en, definition, builtin, sort_order) VALUES ('3x3', '三级定性矩阵', '3×3 qualitative matrix',
    '{"likelihood":[{"value":1,"label":"低","label_en":"Low"},{"value":2,"label":"中","label_en":"Medium"},{"value":3,"label":"高","label_en":"High"}],"impact":[{"value":1,"label":"低","label_en":"Low"},{"value":2,"label":"中","label_en":"Medium"},{"value":3,"label":"高","label_en":"High"}],"bands":[{"min":1,"max":2,"level":"low","label":"低","label_en":"Low","color":"#2f7ed8"},{"min":3,"max":4,"level":"medium","label":"一般","label_en":"Medium","color":"#f2c12e"},{"min":5,"max":6,"level":"high","label":"较大","label_en":"High","color":"#f28c28"},{"min":7,"max":9,"level":"critical","label":"重大","label_en":"Critical","color":"#d9342b"}]}', 1, 1);
INSERT INTO risk_matrices (id, name, name_en, definition, builtin, sort_order) VALUES ('4x4', '四级矩阵', '4×4 matrix',
    '{"likelihood":[{"value":1,"label":"不太可能","label_en":"Unlikely"},{"value":2,"label":"可能","label_en":"Possible"},{"value":3,"label":"很可能","label_en":"Likely"},{"value":4,"label":"几乎确定","label_en":"Almost certain"}],"impact":[{"value":1,"label":"轻微","label_en":"Minor"},{"value":2,"label":"中等","label_en":"Moderate"},{"value":3,"label":"严重","label_en":"Major"},{"value":4,"label":"灾难性","label_en":"Catastrophic"}],"bands":[{"min":1,"max":3,"level":"low","label":"低","label_en":"Low","color":"#2f7ed8"},{"min":4,"max":6,"level":"medium","label":"一般","label_en":"Medium","color":"#f2c12e"},{"min":7,"max":9,"level":"high","label":"较大","label_en":"High","color":"#f28c28"},{"min":10,"max":16,"level":"critical","label":"重大","label_en":"Critical","color":"#d9342b"}]}', 1, 2);
INSERT INTO risk_matrices (id, name, name_en, definition, builtin, sort_order) VALUES ('5x5', '五级评分矩阵', '5×5 scored matrix',
    '{"likelihood":[{"value":1,"label":"极低","label_en":"Rare"},{"value":2,"label":"低","label_en":"Unlikely"},{"value":3,"label":"中","label_en":"Possible"},{"value":4,"label":"高","label_en":"Likely"},{"value":5,"label":"极高","label_en":"Almost certain"}],"impact":[{"value":1,"label":"可忽略","label_en":"Negligible"},{"value":2,"label":"轻微","label_en":"Minor"},{"value":3,"label":"中等","label_en":"Moderate"},{"value":4,"label":"严重","label_en":"Major"},{"value":5,"label":"灾难性","label_en":"Catastrophic"}],"bands":[{"min":1,"max":4,"level":"low","label":"低","label_en":"Low","color":"#2f7ed8"},{"min":5,"max":9,"level":"medium","label":"一般","label_en":"Medium","color":"#f2c12e"},{"min":10,"max":14,"level":"high","label":"较大","label_en":"High","color":"#f28c28"},{"min":15,"max":25,"level":"critical","label":"重大","label_en":"Critical","color":"#d9342b"}]}', 1, 3);
