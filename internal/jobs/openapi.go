package jobs

import _ "embed" // for the API description below

// OpenAPI is the job queue's part of the API description, kept beside the route it
// describes; package apidoc assembles every part into the served document.
//
//go:embed openapi.yaml
var OpenAPI string
