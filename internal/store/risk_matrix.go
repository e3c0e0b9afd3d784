package store

import (
	"context"

	"github.com/continuo-bcm/continuo/internal/risk"
)

func matrixDefinitionJSON(m *risk.Matrix) (string, error) {
	return jsonText(matrixDefinition{Likelihood: m.Likelihood, Impact: m.Impact, Bands: m.Bands})
}

// CreateMatrix stores a matrix of your own, after the others in display
// order.
func (db *DB) CreateMatrix(ctx context.Context, m *risk.Matrix) error {
	def, err := matrixDefinitionJSON(m)
	if err != nil {
		return err
	}
	_, err = db.exec(ctx, `INSERT INTO risk_matrices (id, name, name_en, definition, builtin, sort_order)
		VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM risk_matrices))`, m.ID, m.Name, m.NameEn, def, m.Builtin)
	return err
}

// UpdateMatrix stores a matrix's names, scales and bands.
func (db *DB) UpdateMatrix(ctx context.Context, m *risk.Matrix) error {
	def, err := matrixDefinitionJSON(m)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, "UPDATE risk_matrices SET name = ?, name_en = ?, definition = ? WHERE id = ?", m.Name, m.NameEn, def, m.ID)
	return mustAffect(res, err, "matrix")
}

// DeleteMatrix removes a matrix.
func (db *DB) DeleteMatrix(ctx context.Context, id string) error {
	res, err := db.exec(ctx, "DELETE FROM risk_matrices WHERE id = ?", id)
	return mustAffect(res, err, "matrix")
}

// MatrixUses counts what refers to a matrix: current ratings of risks,
// assessments in the history and survey campaigns.
func (db *DB) MatrixUses(ctx context.Context, id string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM risks WHERE inh_matrix = ?) +
		(SELECT COUNT(*) FROM risks WHERE res_matrix = ?) +
		(SELECT COUNT(*) FROM risk_assessments WHERE matrix_id = ?) +
		(SELECT COUNT(*) FROM risk_surveys WHERE matrix_id = ?)`, id, id, id, id).Scan(&n)
	return n, mapErr(err)
}
