package seed

import (
	"strings"

	"github.com/lyolearn/lyo/internal/content"
)

// leaf is a topic items are filed under, with the words its items are made of.
// Subjects are noun phrases that read well inside any title template; facts are
// quiz questions with one right answer.
type leaf struct {
	slug, name, parent string
	weight             float64 // popularity with creators and learners
	subjects           []string
	hooks              []string // whole titles ("Why the sky is blue")
	terms              []string // key words for descriptions and bodies
	es, ja             []string // subjects in Spanish and Japanese, where the topic has them
	facts              []fact
}

type fact struct {
	q, right string
	wrong    [3]string
}

// parents are the top of the tree; a leaf with no parent is a top-level topic
// that items are filed under directly.
var parents = []content.Topic{
	{Slug: "mathematics", Name: "Mathematics"},
	{Slug: "computer-science", Name: "Computer science"},
	{Slug: "languages", Name: "Languages"},
	{Slug: "science", Name: "Science"},
	{Slug: "music", Name: "Music"},
}

// leaves is the taxonomy's leaves, from stem.go and humanities.go.
var leaves = append(append([]leaf(nil), stemLeaves...), humanLeaves...)

// cluster groups leaves whose subjects could be mistaken for each other, so a
// generated quiz question takes its wrong choices from another cluster only.
func (l leaf) cluster() string {
	switch l.parent {
	case "mathematics", "computer-science", "science":
		return "stem"
	case "":
		return l.slug
	}
	return l.parent
}

// topics is the item's topic list: its leaf, then the leaf's parent.
func (l leaf) topics() []string {
	if l.parent == "" {
		return []string{l.slug}
	}
	return []string{l.slug, l.parent}
}

// inSentence is the name as it reads mid-sentence: languages keep their capital.
func (l leaf) inSentence() string {
	if l.parent == "languages" {
		return l.name
	}
	return strings.ToLower(l.name[:1]) + l.name[1:]
}

// taxonomy is the whole tree, parents first.
func taxonomy() []content.Topic {
	out := make([]content.Topic, 0, len(parents)+len(leaves))
	out = append(out, parents...)
	for _, l := range leaves {
		out = append(out, content.Topic{Slug: l.slug, Name: l.name, Parent: l.parent})
	}
	return out
}
