package tutor

import (
	"slices"
	"strings"
	"unicode"

	"github.com/lyolearn/lyo/internal/words"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// stopWords are the words of a language too common to say what a question is
// about, folded (lower case, without accents) as fold makes them. A question's
// other words are what the offline mode searches the catalogue for.
var stopWords = map[string]map[string]bool{
	"en": set(`a about above after again against all am an and any are as at be because been before being below between both
		but by can could did do does doing down during each explain few for from further had has have having he her here hers
		herself him himself his how i if in into is it its itself just know me mean means more most my myself no nor not now of
		off on once only or other our ours ourselves out over own please same she should so some such tell than that the their
		theirs them themselves then there these they this those through to too under understand until up us very was we were
		what when where which while who whom why will with would you your yours yourself yourselves help want need get works
		work`),
	"fr": set(`a au aux avec ce ces comment dans de des du elle en est et eux il ils je la le les leur lui ma mais me meme mes moi
		mon ne nos notre nous on ou par pas pour qu que qui quoi sa se ses son sur ta te tes toi ton tu un une vos votre vous c d
		j l m n s t y ete etre avoir ai as avons avez ont suis es sommes etes sont cette cet quel quelle quels quelles est-ce
		pourquoi quand explique expliquer veut dire`),
	"es": set(`a al algo como con de del el ella ellas ellos en entre es esta este esto estos ha hay la las le les lo los me mi mis
		muy no nos o para pero por que quien se si sin sobre su sus te tu un una uno unos y ya yo cual cuales cuando donde
		porque que explica explicar significa`),
	"de": set(`aber als am an auch auf aus bei bin bis bist da das dass dein deine dem den der des die dir du ein eine einem einen
		einer eines er es fur hat hatte ich ihr im in ist ja kann mein meine mich mir mit nach nicht noch nun oder sein seine
		sie sind so uber um und uns unter vom von vor war was weil wenn wer wie wir wird zu zum zur warum wieso erklar erklare
		bedeutet`),
	"it": set(`a al alla alle che chi ci come con da dal dalla dei del della di e ed gli ha hanno ho il in io la le lei lo loro lui
		ma mi mia mio ne nei nel nella noi non o per perche piu quale quando questa questo se si sono su sua suo ti tu un una
		uno voi cosa spiega significa`),
	"pt": set(`a ao aos as com como da das de do dos e ela elas ele eles em entre era essa esse esta este eu foi ha isso isto ja la
		lhe mais mas me meu minha muito na nao nas no nos o os ou para pela pelo por porque qual quando que quem se sem ser seu
		sua tem um uma voce explica explicar significa`),
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// accents removes combining marks after decomposition: "é" becomes "e", as
// both engines' search does.
var accents = runes.Remove(runes.In(unicode.Mn))

// fold is a word as the offline mode compares words: lower case, without accents.
func fold(w string) string {
	s, _, err := transform.String(transform.Chain(norm.NFD, accents, norm.NFC), strings.ToLower(w))
	if err != nil {
		return strings.ToLower(w)
	}
	return s
}

// foldedWords splits text into folded words by the rule the catalogue's
// search splits queries by, so a word the offline mode looks for, or tagging
// counts, is one the search knows in the same shape.
func foldedWords(text string) []string {
	return slices.Collect(words.All(fold(text)))
}

// baseLanguage is "en" for "en-GB"; "" when unknown.
func baseLanguage(lang string) string {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if stopWords[lang] == nil {
		return ""
	}
	return lang
}

// guessLanguage is the language whose stop words the question uses most;
// English when it uses none.
func guessLanguage(ws []string) string {
	best, bestN := "en", 0
	for _, lang := range []string{"en", "fr", "es", "de", "it", "pt"} {
		n := 0
		for _, w := range ws {
			if stopWords[lang][w] {
				n++
			}
		}
		if n > bestN {
			best, bestN = lang, n
		}
	}
	return best
}

// keywords are a question's words without the stop words of lang (guessed from
// the question when ""), each once, at most max.
func keywords(question, lang string, max int) []string {
	ws := foldedWords(question)
	if lang = baseLanguage(lang); lang == "" {
		lang = guessLanguage(ws)
	}
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		if stopWords[lang][w] || seen[w] || len([]rune(w)) > 50 {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == max {
			break
		}
	}
	return out
}
