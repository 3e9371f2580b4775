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

// unavailableOf finds the UnavailableError in err.
func unavailableOf(err error) (*UnavailableError, bool) {
	var ue *UnavailableError
	if errors.As(err, &ue) {
		return ue, true
	}
	return nil, false
}
