package s3test

import (
	"os"
	"strings"
	"testing"
)

// TestCIInstallsThisVersion keeps .ci/run's versitygw the one the suite is
// written against.
func TestCIInstallsThisVersion(t *testing.T) {
	b, err := os.ReadFile("../../../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "VERSITYGW_VERSION="+Version+"\n") {
		t.Errorf(".ci/run does not install versitygw %s", Version)
	}
}
