package tutor

import "errors"

// quotaOf finds the QuotaError in err.
func quotaOf(err error) (*QuotaError, bool) {
	var qe *QuotaError
	if errors.As(err, &qe) {
		return qe, true
	}
	return nil, false
}
