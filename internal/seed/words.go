package seed

// Title templates: {S} is the subject capitalised, {s} as is, {s2} another
// subject of the same topic, {T} the topic name mid-sentence, {d} the duration
// ("90 seconds", "8 minutes"), {n} the questions ("3 questions").
var (
	titleAny = []string{"{S} explained", "{S}, explained simply", "Understanding {s}", "{S}: common mistakes",
		"{S} step by step", "The one thing to know about {s}", "{S}: a visual introduction", "{S} in practice",
		"3 tips for {s}", "What nobody tells you about {s}", "{S} vs. {s2}", "{S} in {d}", "Getting {s} right"}
	titleEasy = []string{"A beginner's guide to {s}", "{S} for beginners", "{S} from scratch", "Your first look at {s}"}
	titleHard = []string{"Advanced {s}", "{S}: going deeper", "{S} beyond the basics", "Mastering {s}"}
	titleKind = map[string][]string{
		"lesson":  {"Lesson: {s}", "{S}, with exercises", "Practice problems: {s}", "Worked examples: {s}"},
		"article": {"{S}: a complete guide", "Notes on {s}", "Everything you need to know about {s}", "{S}, in depth"},
		"image":   {"{S} cheat sheet", "{S} at a glance", "{S} in one diagram", "An infographic on {s}"},
		"quiz": {"Quick {T} quiz", "{T} check-in: {n}", "How well do you know {T}?", "Test yourself: {T}",
			"{n} on {T}", "{T} warm-up: {n}", "Pop quiz: {T}"},
	}
	titleES = []string{"{S} en {d}", "Introducción a {s}", "{S}: explicación sencilla", "Todo sobre {s}",
		"Guía rápida: {s}", "Ejercicios: {s}", "{S} paso a paso"}
	titleJA = []string{"{s}を{d}で解説", "はじめての{s}", "{s}のコツ", "{s}入門", "5分でわかる{s}", "{s}のよくある間違い"}

	seriesES     = []string{"Curso de {s}", "{S} desde cero", "Aprende {s}"}
	seriesJA     = []string{"{s}講座", "ゼロから学ぶ{s}", "{s}を始めよう"}
	seriesTitles = []string{"{T} 101", "{S} from scratch", "Mastering {s}", "{S}: the complete course",
		"{T} in 30 days", "A crash course in {s}", "{S}, one step at a time"}
	episodeTitles = []string{"Part {k}: {S}", "{k}. {S}", "Episode {k}: {S}", "Day {k}: {S}"}
	episodeES     = []string{"Parte {k}: {S}", "{k}. {S}", "Lección {k}: {S}"}
	episodeJA     = []string{"第{k}回 {s}", "{k}. {s}"}
	reviewTitles  = map[string]string{"en": "Review: {S}", "es": "Repaso: {S}", "ja": "復習：{s}"}
)

// Series descriptions; {n} is the number of episodes.
var (
	seriesDescEN = "{n} episodes on {T}{aud}, from {s} to {s2}."
	seriesDescES = "Una serie de {n} partes sobre {s} y mucho más."
	seriesDescJA = "{s}から{s2}まで、全{n}回のシリーズです。"
)

// Description openers per kind, then a sentence or two from the body bank.
var (
	descVideo  = []string{"A short video on {s}{aud}.", "A quick, clear take on {s}{aud}.", "{S} in under {d}{aud}."}
	descLesson = []string{"A lesson on {s}{aud} ({d}): {t1}, {t2} and {t3}, with exercises.",
		"Learn {s} with worked examples and practice questions{aud}."}
	descArticle = []string{"{S}: the what, the why and the how. Covers {t1}, {t2} and {t3}.",
		"About {d} of reading on {s}{aud}, with worked examples."}
	descImage = []string{"A one-page summary of {s}: {t1}, {t2} and {t3} at a glance.", "{S} on a single page, to save for later."}
	descQuiz  = []string{"{n} to check what you know about {T}.", "Test yourself on {T}: {n}."}
	descES    = []string{"Una introducción breve a {s}.", "Aprende {s} paso a paso, con ejemplos.", "Todo lo que necesitas saber sobre {s}."}
	descJA    = []string{"{s}をわかりやすく解説します。", "{s}の基本を短く学びましょう。", "例題で{s}を練習します。"}
)

// Body sentences; a paragraph is four to six of them.
var (
	sentEN = []string{
		"One of the core ideas of {T} is {s}.",
		"Start by making sure you are comfortable with the {t1} and the {t2}.",
		"A common mistake is to confuse the {t1} with the {t2}.",
		"Here is a worked example that uses {s}.",
		"Once you see how the {t1} relates to the {t2}, the rest of {s} falls into place.",
		"Try it yourself: pick an example and find the {t1}.",
		"Later on we connect {s} to {s2}.",
		"Practice beats memorisation, so do the exercises at the end.",
		"Many learners find {s} hard at first, and that is normal.",
		"Write down the key terms: {t1}, {t2} and {t3}.",
		"Take a moment to review {s2} before moving on.",
		"People who work in {T} use {s} every day, often without noticing.",
		"Let us look at {s} outside the classroom.",
		"Here is a common question: how does the {t1} affect the {t2}?",
		"Draw a quick sketch and label the {t1} and the {t2}.",
		"Compare two examples side by side and look for the {t1}.",
		"A quick check: can you explain the {t1} to a friend in one sentence?",
		"In short, learning {s} starts from the {t1} and leads naturally to {s2}.",
		"If something is unclear, go back one step and look at the {t1} again.",
		"Notice how the {t1} changes when the {t2} changes.",
	}
	sentES = []string{"{S} es una de las ideas clave del tema.", "Empieza con un ejemplo sencillo.",
		"Un error común es ir demasiado rápido.", "Practica un poco cada día.", "Después veremos {s2}.",
		"Repasa {s2} antes de seguir.", "Con la práctica, todo resulta mucho más fácil.",
		"Veamos un ejemplo práctico de {s}.", "Anota las ideas principales en un cuaderno.",
		"Si algo no queda claro, vuelve al paso anterior.", "Al principio puede parecer difícil, y es normal.",
		"Al final encontrarás ejercicios para practicar.", "Relaciona {s} con {s2} para entenderlo mejor."}
	sentJA = []string{"{s}はこの分野の大切な考え方です。", "まず簡単な例から始めましょう。", "よくある間違いに注意しましょう。",
		"毎日少しずつ練習することが大切です。", "次に{s2}を見ていきます。", "先に進む前に{s2}を復習しましょう。",
		"{s}の具体例を見てみましょう。", "大事なポイントをノートにまとめましょう。", "わからないときは前のステップに戻りましょう。",
		"最初は難しく感じても大丈夫です。", "最後に練習問題があります。", "{s}と{s2}の関係を考えてみましょう。"}
)

// Names for creators and learners.
var (
	firstNames = []string{"maya", "luis", "aiko", "omar", "grace", "ravi", "sofia", "kenji", "amara", "leo", "nadia",
		"diego", "hana", "tom", "zara", "ivan", "priya", "mateo", "yuki", "chloe", "samir", "elena", "kofi", "lena",
		"noah", "ines", "arjun", "mei", "jonas", "fatima", "ben", "carmen", "tariq", "julia", "felix", "sara", "emeka",
		"lucia", "hugo", "aisha", "min", "rosa", "daniel", "keiko", "pablo", "nia", "oscar", "ana"}
	lastNames = []string{"chen", "okafor", "garcia", "tanaka", "haddad", "novak", "patel", "rossi", "kim", "silva",
		"mensah", "kowalski", "ahmed", "lopez", "sato", "jensen", "nguyen", "ibrahim", "costa", "murphy", "schmidt",
		"moreau", "park", "ortiz", "yamamoto", "adeyemi", "fischer", "singh", "reyes", "berg"}
)
