package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v4"
)

// writeJSON writes n as compact JSON in the order the parts wrote it, so the
// served document reads like its sources (decoding into a map would sort it).
// What JSON cannot say is refused: aliases, non-string keys, a key given twice.
func writeJSON(b *bytes.Buffer, n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" || k.ShortTag() == "!!map" {
				return fmt.Errorf("openapi: line %d: a key that is not a string", k.Line)
			}
			if seen[k.Value] {
				return fmt.Errorf("openapi: line %d: %q is given twice", k.Line, k.Value)
			}
			seen[k.Value] = true
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k.Value)
			b.WriteByte(':')
			if err := writeJSON(b, n.Content[i+1]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, c); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		return writeScalar(b, n)
	case yaml.AliasNode:
		return fmt.Errorf("openapi: line %d: YAML aliases are not allowed; use a $ref", n.Line)
	default:
		return fmt.Errorf("openapi: line %d: unexpected YAML node", n.Line)
	}
	return nil
}

func writeScalar(b *bytes.Buffer, n *yaml.Node) error {
	var v any
	switch n.ShortTag() {
	case "!!str", "!!timestamp": // a date is text in JSON
		writeString(b, n.Value)
		return nil
	case "!!null":
		b.WriteString("null")
		return nil
	case "!!bool":
		var x bool
		if err := n.Decode(&x); err != nil {
			return fmt.Errorf("openapi: line %d: %w", n.Line, err)
		}
		v = x
	case "!!int":
		var x int64
		if err := n.Decode(&x); err != nil {
			return fmt.Errorf("openapi: line %d: %w", n.Line, err)
		}
		v = x
	case "!!float":
		var x float64
		if err := n.Decode(&x); err != nil {
			return fmt.Errorf("openapi: line %d: %w", n.Line, err)
		}
		v = x
	default:
		return fmt.Errorf("openapi: line %d: a %s value has no JSON form", n.Line, n.ShortTag())
	}
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("openapi: line %d: %w", n.Line, err)
	}
	b.Write(j)
	return nil
}

// writeString writes s as a JSON string, leaving <, > and & as they are: the
// document is read by people and tools, never pasted into HTML.
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a Go string always encodes
	b.Truncate(b.Len() - 1)
}
