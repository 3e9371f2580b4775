package eval

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Format names an interaction file's layout.
type Format string

// The formats Read understands.
const (
	CSV     Format = "csv"     // user,item,timestamp,weight (a header line is allowed)
	RecBole Format = "recbole" // RecBole atomic .inter TSV, header "name:type" per column
)

// Row is one interaction of the file, in file order.
type Row struct {
	User, Item string
	Time       float64 // seconds (any epoch; only the order and spacing matter)
	Weight     float64
}

// ErrFormat wraps every problem with the file's contents.
var ErrFormat = errors.New("malformed interaction file")

// Read parses an interaction file. For RecBole, columns are matched by the
// name before the colon: user_id, item_id, timestamp, and the weight from
// rating (or weight); a missing weight is 1. Blank lines are skipped; any
// malformed line is an error naming it.
func Read(r io.Reader, f Format) ([]Row, error) {
	switch f {
	case CSV, "":
		return readCSV(r)
	case RecBole:
		return readRecBole(r)
	}
	return nil, fmt.Errorf("%w: unknown format %q", ErrFormat, f)
}

func readCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var rows []Row
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 3 {
			return nil, fmt.Errorf("%w: line %d has %d fields, want user,item,timestamp[,weight]", ErrFormat, line, len(rec))
		}
		ts, err := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
		if err != nil {
			if line == 1 { // a header
				continue
			}
			return nil, fmt.Errorf("%w: line %d: timestamp %q", ErrFormat, line, rec[2])
		}
		w := 1.0
		if len(rec) > 3 && strings.TrimSpace(rec[3]) != "" {
			if w, err = strconv.ParseFloat(strings.TrimSpace(rec[3]), 64); err != nil {
				return nil, fmt.Errorf("%w: line %d: weight %q", ErrFormat, line, rec[3])
			}
		}
		rows = append(rows, Row{User: strings.TrimSpace(rec[0]), Item: strings.TrimSpace(rec[1]), Time: ts, Weight: w})
	}
}

func readRecBole(r io.Reader) ([]Row, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		return nil, fmt.Errorf("%w: empty file", ErrFormat)
	}
	col := map[string]int{}
	for k, h := range strings.Split(sc.Text(), "\t") {
		name, _, _ := strings.Cut(strings.TrimSpace(h), ":")
		col[name] = k
	}
	ui, okU := col["user_id"]
	ii, okI := col["item_id"]
	ti, okT := col["timestamp"]
	if !okU || !okI || !okT {
		return nil, fmt.Errorf("%w: header needs user_id, item_id and timestamp columns", ErrFormat)
	}
	wi, okW := col["rating"]
	if !okW {
		wi, okW = col["weight"]
	}
	var rows []Row
	for line := 2; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		need := max(ui, ii, ti)
		if okW {
			need = max(need, wi)
		}
		if len(f) <= need {
			return nil, fmt.Errorf("%w: line %d has %d fields", ErrFormat, line, len(f))
		}
		ts, err := strconv.ParseFloat(strings.TrimSpace(f[ti]), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: timestamp %q", ErrFormat, line, f[ti])
		}
		w := 1.0
		if okW {
			if w, err = strconv.ParseFloat(strings.TrimSpace(f[wi]), 64); err != nil {
				return nil, fmt.Errorf("%w: line %d: weight %q", ErrFormat, line, f[wi])
			}
		}
		rows = append(rows, Row{User: f[ui], Item: f[ii], Time: ts, Weight: w})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return rows, nil
}

// ItemInfo is what an optional item file says about an item.
type ItemInfo struct {
	Title  string
	Topics []string
}

// ReadItems parses a RecBole .item file (item_id, a title column such as
// movie_title or title, and a class or genre column whose space-separated
// tokens become topics) into item facts by ID.
func ReadItems(r io.Reader) (map[string]ItemInfo, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("%w: empty item file", ErrFormat)
	}
	col := map[string]int{}
	for k, h := range strings.Split(sc.Text(), "\t") {
		name, _, _ := strings.Cut(strings.TrimSpace(h), ":")
		col[name] = k
	}
	ii, ok := col["item_id"]
	if !ok {
		return nil, fmt.Errorf("%w: item file needs an item_id column", ErrFormat)
	}
	title, topics := -1, -1
	for _, n := range []string{"movie_title", "title", "name"} {
		if k, ok := col[n]; ok {
			title = k
			break
		}
	}
	for _, n := range []string{"class", "genre", "genres", "categories", "topics"} {
		if k, ok := col[n]; ok {
			topics = k
			break
		}
	}
	out := map[string]ItemInfo{}
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) <= ii {
			continue
		}
		var info ItemInfo
		if title >= 0 && title < len(f) {
			info.Title = f[title]
		}
		if topics >= 0 && topics < len(f) {
			info.Topics = strings.Fields(strings.ToLower(f[topics]))
		}
		out[f[ii]] = info
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return out, nil
}

// ReadItemsCSV parses an item file as CSV: item,title[,topics], topics
// separated by '|' (or spaces), a header line allowed when its first field is
// "item" or "item_id".
func ReadItemsCSV(r io.Reader) (map[string]ItemInfo, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	out := map[string]ItemInfo{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		id := strings.TrimSpace(rec[0])
		if id == "" || (line == 1 && (strings.EqualFold(id, "item") || strings.EqualFold(id, "item_id"))) {
			continue
		}
		var info ItemInfo
		if len(rec) > 1 {
			info.Title = strings.TrimSpace(rec[1])
		}
		if len(rec) > 2 {
			info.Topics = strings.FieldsFunc(strings.ToLower(rec[2]), func(r rune) bool { return r == '|' || r == ' ' || r == '\t' })
		}
		out[id] = info
	}
}
