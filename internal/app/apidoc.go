package app

import (
	_ "embed" // for the ops routes' part of the API description
	"sync"

	"github.com/lyolearn/lyo/internal/apidoc"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed"
	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
	"github.com/lyolearn/lyo/internal/tutor"
)

// opsOpenAPI describes the routes registered in routes.go: probes, metrics, the
// documentation itself and the version.
//
//go:embed openapi.yaml
var opsOpenAPI string

// apiParts are the parts of the API description, in the order the served
// document lists them. A domain that mounts routes adds its part here.
func apiParts() []apidoc.Part {
	return []apidoc.Part{
		{Name: "app", YAML: opsOpenAPI},
		{Name: "auth", YAML: auth.OpenAPI},
		{Name: "flags", YAML: flags.OpenAPI},
		{Name: "content", YAML: content.OpenAPI},
		{Name: "events", YAML: events.OpenAPI},
		{Name: "feed", YAML: feed.OpenAPI},
		{Name: "jobs", YAML: jobs.OpenAPI},
		{Name: "media", YAML: media.OpenAPI},
		{Name: "tutor", YAML: tutor.OpenAPI},
	}
}

// apiDocs is the assembled description. It is a function of embedded text only,
// so one assembly serves every server in the process (tests build hundreds); a
// part that does not assemble stops the first server from starting.
var apiDocs = sync.OnceValues(func() (*apidoc.Docs, error) { return apidoc.New(apiParts()...) })
