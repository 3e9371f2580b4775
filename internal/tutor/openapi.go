package tutor

import _ "embed" // for the API description below

// OpenAPI is the tutor's part of the API description, kept beside the routes it
// describes; package apidoc assembles every part into the served document.
//
//go:embed openapi.yaml
var OpenAPI string
