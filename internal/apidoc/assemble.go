package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Part is one package's share of the description, kept beside the routes it
// describes: a YAML document whose top level holds only tags, paths and
// components. References point into the assembled document, so a part may use
// what the base or another part defines (#/components/responses/Invalid).
type Part struct {
	Name string // the package it comes from, named in errors
	YAML string
}

// componentKinds are the sections of components a part may add to.
var componentKinds = []string{"schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links", "callbacks", "pathItems"}

// assembly is the document being built and where each of its names came from,
// so that a second definition can name both parts.
type assembly struct {
	root   *yaml.Node
	origin map[string]string // "paths /x", "schemas Item", "tags auth", "operationId me" → part
}

// Assemble merges the base description and the parts into one OpenAPI document,
// as indented JSON. It refuses a path, component, tag or operationId defined
// twice, a reference to nothing, and a part with anything else at its top level:
// every one of those would otherwise quietly shadow or break a part of the API.
func Assemble(base string, parts ...Part) ([]byte, error) {
	root, err := parse("base", base)
	if err != nil {
		return nil, err
	}
	a := &assembly{root: root, origin: map[string]string{}}
	// The base's own names go through the same bookkeeping as the parts'.
	baseParts := &yaml.Node{Kind: yaml.MappingNode}
	for _, key := range []string{"tags", "paths", "components"} {
		if v := take(root, key); v != nil {
			baseParts.Content = append(baseParts.Content, scalar(key), v)
		}
	}
	root.Content = append(root.Content, scalar("tags"), &yaml.Node{Kind: yaml.SequenceNode},
		scalar("paths"), &yaml.Node{Kind: yaml.MappingNode}, scalar("components"), &yaml.Node{Kind: yaml.MappingNode})
	if err := a.add("base", baseParts); err != nil {
		return nil, err
	}
	for _, p := range parts {
		n, err := parse(p.Name, p.YAML)
		if err != nil {
			return nil, err
		}
		if err := a.add(p.Name, n); err != nil {
			return nil, err
		}
	}
	if err := a.checkOperationIDs(); err != nil {
		return nil, err
	}
	if err := checkRefs(root, root); err != nil {
		return nil, err
	}
	var compact bytes.Buffer
	if err := writeJSON(&compact, root); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("indent the document: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func parse(name, text string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("openapi part %s: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("openapi part %s: not a YAML mapping", name)
	}
	return doc.Content[0], nil
}

func (a *assembly) add(part string, n *yaml.Node) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		var err error
		switch key {
		case "paths":
			err = a.merge(part, "paths", get(a.root, "paths"), val)
		case "tags":
			err = a.addTags(part, val)
		case "components":
			err = a.addComponents(part, val)
		default:
			err = fmt.Errorf("openapi part %s: top-level %q; a part holds only tags, paths and components", part, key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *assembly) addComponents(part string, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("openapi part %s: components is not a mapping", part)
	}
	all := get(a.root, "components")
	for i := 0; i+1 < len(n.Content); i += 2 {
		kind := n.Content[i].Value
		if !slices.Contains(componentKinds, kind) {
			return fmt.Errorf("openapi part %s: unknown components section %q", part, kind)
		}
		dst := get(all, kind)
		if dst == nil {
			dst = &yaml.Node{Kind: yaml.MappingNode}
			all.Content = append(all.Content, scalar(kind), dst)
		}
		if err := a.merge(part, kind, dst, n.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// merge adds src's entries to dst, refusing a name that is already there.
func (a *assembly) merge(part, section string, dst, src *yaml.Node) error {
	if src.Kind != yaml.MappingNode {
		return fmt.Errorf("openapi part %s: %s is not a mapping", part, section)
	}
	for i := 0; i+1 < len(src.Content); i += 2 {
		name := src.Content[i].Value
		if err := a.claim(part, section, name); err != nil {
			return err
		}
		dst.Content = append(dst.Content, src.Content[i], src.Content[i+1])
	}
	return nil
}

func (a *assembly) addTags(part string, n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("openapi part %s: tags is not a list", part)
	}
	tags := get(a.root, "tags")
	for _, t := range n.Content {
		name := get(t, "name")
		if name == nil || name.Kind != yaml.ScalarNode {
			return fmt.Errorf("openapi part %s: a tag without a name (line %d)", part, t.Line)
		}
		if err := a.claim(part, "tags", name.Value); err != nil {
			return err
		}
		tags.Content = append(tags.Content, t)
	}
	return nil
}

func (a *assembly) claim(part, section, name string) error {
	key := section + " " + name
	first, ok := a.origin[key]
	if ok && first == part {
		return fmt.Errorf("openapi: %s %q is defined twice in %s", strings.TrimSuffix(section, "s"), name, part)
	}
	if ok {
		return fmt.Errorf("openapi: %s %q is defined by both %s and %s", strings.TrimSuffix(section, "s"), name, first, part)
	}
	a.origin[key] = part
	return nil
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func (a *assembly) checkOperationIDs() error {
	paths := get(a.root, "paths")
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if !slices.Contains(methods, item.Content[j].Value) {
				continue
			}
			id := get(item.Content[j+1], "operationId")
			if id == nil {
				continue // the linters and the route test insist on one
			}
			if err := a.claim(a.origin["paths "+paths.Content[i].Value], "operationIds", id.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRefs walks n and resolves every local $ref against root.
func checkRefs(root, n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "$ref" && v.Kind == yaml.ScalarNode && strings.HasPrefix(v.Value, "#/") {
				if resolve(root, v.Value) == nil {
					return fmt.Errorf("openapi: %s (line %d of its part) refers to nothing", v.Value, v.Line)
				}
				continue
			}
			if err := checkRefs(root, v); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if err := checkRefs(root, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolve follows a JSON pointer (RFC 6901) from root, or returns nil.
func resolve(root *yaml.Node, ref string) *yaml.Node {
	n := root
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if n = get(n, tok); n == nil {
			return nil
		}
	}
	return n
}

// get is the value of key in mapping n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// take removes key from mapping n and returns its value, or nil.
func take(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := n.Content[i+1]
			n.Content = append(n.Content[:i], n.Content[i+2:]...)
			return v
		}
	}
	return nil
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
