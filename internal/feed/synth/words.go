package synth

// words gives each topic its own vocabulary, so titles and bodies carry the
// topic (content similarity has something to find); common words are shared.
var words = [][]string{
	{"atom", "molecule", "reaction", "acid", "bond", "electron", "catalyst", "oxidation"},
	{"algebra", "equation", "matrix", "vector", "integral", "derivative", "theorem", "proof"},
	{"cell", "gene", "protein", "enzyme", "evolution", "species", "organism", "membrane"},
	{"force", "energy", "momentum", "quantum", "wave", "gravity", "relativity", "particle"},
	{"poem", "novel", "metaphor", "sonnet", "narrative", "author", "rhyme", "stanza"},
	{"empire", "revolution", "treaty", "dynasty", "war", "republic", "colony", "monarch"},
	{"melody", "harmony", "rhythm", "chord", "scale", "tempo", "symphony", "guitar"},
	{"pixel", "brush", "canvas", "sketch", "colour", "portrait", "perspective", "texture"},
	{"loop", "function", "compiler", "variable", "recursion", "pointer", "algorithm", "database"},
	{"market", "inflation", "supply", "demand", "interest", "budget", "trade", "currency"},
	{"glacier", "volcano", "climate", "river", "continent", "erosion", "plate", "desert"},
	{"verb", "noun", "grammar", "accent", "vocabulary", "tense", "phrase", "idiom"},
	{"muscle", "stretch", "cardio", "nutrition", "sleep", "posture", "protein", "balance"},
}

var common = []string{"introduction", "basics", "guide", "lesson", "practice", "example", "overview", "tips"}
