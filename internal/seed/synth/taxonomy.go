package synth

import "strings"

// vocabulary is the taxonomy: each parent with its leaves, each leaf with the
// words its items are written from. One line per leaf: "slug|Name|term, term, …".
// Items are filed under a leaf and its parent, as a creator would tag them.
var vocabulary = []struct {
	slug, name string
	leaves     []string
}{
	{"mathematics", "Mathematics", []string{
		"algebra|Algebra|equations, variables, polynomials, factoring, exponents, logarithms, inequalities, slope, functions, the quadratic formula",
		"geometry|Geometry|triangles, angles, circles, polygons, area, perimeter, the Pythagorean theorem, similar shapes, coordinates, volume",
		"calculus|Calculus|limits, derivatives, integrals, the chain rule, rates of change, tangent lines, series, optimisation, continuity, antiderivatives",
		"statistics|Statistics|the mean, the median, variance, standard deviation, distributions, sampling, correlation, regression, p-values, confidence intervals",
		"number-theory|Number theory|prime numbers, divisibility, modular arithmetic, greatest common divisors, factorisation, perfect numbers, congruences, parity, the sieve of Eratosthenes, Fermat's little theorem",
		"linear-algebra|Linear algebra|vectors, matrices, determinants, eigenvalues, linear maps, dot products, bases, rank, matrix inverses, projections",
	}},
	{"computer-science", "Computer science", []string{
		"programming|Programming|variables, loops, functions, recursion, types, closures, error handling, unit tests, debugging, refactoring",
		"algorithms|Algorithms|sorting, binary search, graphs, dynamic programming, greedy choices, big-O notation, hash tables, heaps, shortest paths, trees",
		"databases|Databases|tables, indexes, joins, transactions, normalisation, query plans, primary keys, replication, SQL, isolation levels",
		"networking|Networking|packets, routers, TCP, DNS, latency, bandwidth, HTTP, TLS, IP addresses, load balancers",
		"machine-learning|Machine learning|training data, overfitting, gradient descent, neural networks, loss functions, features, decision trees, embeddings, validation sets, regularisation",
		"security|Security|passwords, encryption, hashing, phishing, access control, public keys, vulnerabilities, firewalls, two-factor sign-in, threat models",
	}},
	{"physics", "Physics", []string{
		"mechanics|Mechanics|forces, velocity, acceleration, momentum, energy, friction, Newton's laws, gravity, torque, projectiles",
		"electricity|Electricity|current, voltage, resistance, circuits, Ohm's law, capacitors, magnetic fields, power, batteries, induction",
		"optics|Optics|light, lenses, mirrors, refraction, reflection, wavelength, prisms, lasers, focal length, interference",
		"thermodynamics|Thermodynamics|heat, temperature, entropy, pressure, engines, phase changes, specific heat, conduction, convection, radiation",
		"astronomy|Astronomy|planets, stars, galaxies, black holes, orbits, the solar system, telescopes, eclipses, the Moon, light-years",
		"quantum-physics|Quantum physics|photons, wave functions, uncertainty, superposition, entanglement, quantum tunnelling, spin, energy levels, the double-slit experiment, measurement",
	}},
	{"chemistry", "Chemistry", []string{
		"organic-chemistry|Organic chemistry|carbon chains, functional groups, isomers, alkanes, alcohols, esters, polymers, reaction mechanisms, benzene rings, chirality",
		"chemical-reactions|Chemical reactions|reactants, products, catalysts, reaction rates, equilibrium, combustion, oxidation, reduction, balancing equations, activation energy",
		"periodic-table|The periodic table|elements, atomic numbers, electron shells, noble gases, metals, halogens, isotopes, valence electrons, periods, groups",
		"acids-and-bases|Acids and bases|pH, neutralisation, buffers, indicators, titration, strong acids, weak bases, salts, hydrogen ions, the pH scale",
		"biochemistry|Biochemistry|proteins, enzymes, amino acids, carbohydrates, lipids, metabolism, ATP, DNA replication, cell respiration, hormones",
		"materials|Materials science|metals, ceramics, polymers, alloys, crystals, stress and strain, semiconductors, composites, corrosion, conductivity",
	}},
	{"biology", "Biology", []string{
		"cells|Cells|the cell membrane, the nucleus, mitochondria, ribosomes, cell division, organelles, chloroplasts, the cytoplasm, stem cells, osmosis",
		"genetics|Genetics|genes, chromosomes, alleles, DNA, inheritance, mutations, Punnett squares, dominant traits, recessive traits, gene expression",
		"evolution|Evolution|natural selection, adaptation, species, fossils, common ancestors, genetic drift, speciation, fitness, variation, phylogenetic trees",
		"ecology|Ecology|ecosystems, food webs, predators, biodiversity, habitats, the carbon cycle, populations, symbiosis, biomes, invasive species",
		"human-body|The human body|the heart, the lungs, the brain, muscles, bones, the immune system, digestion, blood, the skin, the nervous system",
		"microbiology|Microbiology|bacteria, viruses, fungi, vaccines, antibiotics, microscopes, pathogens, the microbiome, fermentation, cell cultures",
	}},
	{"history", "History", []string{
		"ancient-history|Ancient history|ancient Egypt, the Roman Republic, ancient Greece, Mesopotamia, the pyramids, city-states, the Silk Road, the Han dynasty, pharaohs, early writing",
		"medieval-history|Medieval history|castles, knights, feudalism, the Black Death, monasteries, the Crusades, guilds, cathedrals, the Magna Carta, trade fairs",
		"modern-history|Modern history|the Industrial Revolution, revolutions, empires, nationalism, the printing press, colonialism, railways, democracy, independence movements, the Cold War",
		"world-wars|The world wars|alliances, trenches, the home front, propaganda, treaties, the League of Nations, rationing, resistance movements, codebreakers, the aftermath",
		"history-of-science|History of science|Galileo, Newton, the scientific method, Darwin, Marie Curie, the telescope, vaccination, the atom, experiments, scientific revolutions",
		"archaeology|Archaeology|excavations, artefacts, carbon dating, stratigraphy, ancient tools, burial sites, ruins, pottery, field surveys, museums",
	}},
	{"languages", "Languages", []string{
		"english-grammar|English grammar|tenses, articles, prepositions, phrasal verbs, conditionals, the passive voice, modal verbs, reported speech, relative clauses, punctuation",
		"spanish|Spanish|ser and estar, the subjunctive, verb conjugation, greetings, numbers, the preterite, pronunciation, gender of nouns, questions, everyday phrases",
		"japanese|Japanese|hiragana, katakana, kanji, particles, polite forms, verb groups, counters, greetings, sentence order, keigo",
		"french|French|verb conjugation, articles, the passé composé, pronunciation, liaison, gender of nouns, negation, questions, greetings, the subjunctive",
		"vocabulary|Vocabulary|word roots, prefixes, suffixes, synonyms, idioms, collocations, false friends, flashcards, spaced repetition, context clues",
		"writing|Writing|essays, paragraphs, thesis statements, arguments, editing, transitions, tone, summaries, outlines, citations",
	}},
	{"arts", "Arts", []string{
		"music-theory|Music theory|scales, chords, intervals, rhythm, key signatures, harmony, the circle of fifths, melody, time signatures, cadences",
		"guitar|Guitar|chords, strumming, fingerpicking, barre chords, tuning, scales, tabs, power chords, the fretboard, riffs",
		"piano|Piano|scales, chords, finger technique, sight-reading, the pedals, arpeggios, left-hand patterns, posture, dynamics, practice routines",
		"drawing|Drawing|perspective, shading, proportions, line weight, gesture drawing, composition, still life, figure drawing, sketchbooks, contour lines",
		"photography|Photography|exposure, aperture, shutter speed, ISO, composition, lighting, focal length, white balance, depth of field, editing",
		"film|Film|camera angles, editing, storyboards, lighting, sound design, scripts, shots, colour grading, pacing, documentaries",
	}},
}

// leaf is a topic items are filed under.
type leaf struct {
	slug, name, parent string
	parentIndex        int
	terms              []string
}

// leaves flattens vocabulary in its order; leaf indexes are positions here.
func leaves() []leaf {
	var out []leaf
	for p, v := range vocabulary {
		for _, line := range v.leaves {
			parts := strings.SplitN(line, "|", 3)
			l := leaf{slug: parts[0], name: parts[1], parent: v.slug, parentIndex: p}
			for _, t := range strings.Split(parts[2], ",") {
				l.terms = append(l.terms, strings.TrimSpace(t))
			}
			out = append(out, l)
		}
	}
	return out
}
