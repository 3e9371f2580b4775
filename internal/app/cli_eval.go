package app

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/feed/eval"
)

const evalUsage = "lyo eval --data FILE [--format csv|recbole] [--items FILE] [--threshold 4] [--json] [--lists FILE] [--seed N]"

// runEval is `lyo eval`: the offline evaluation of the feed engine beside the
// baselines, all in memory. It opens no database and starts no server or job
// worker, so it runs anywhere, beside a running server too.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "interaction file: CSV user,item,timestamp,weight or a RecBole .inter file")
	format := fs.String("format", "", "csv or recbole (default: recbole for a .inter file, csv otherwise)")
	items := fs.String("items", "", "optional RecBole .item file: titles and genres (as topics) of the items")
	threshold := fs.Float64("threshold", 4, "rows weighted at or above it are positive")
	asJSON := fs.Bool("json", false, `print only {"results": [...]} on stdout`)
	lists := fs.String("lists", "", `write the engine's list for every scored user as JSON lines {"user", "items"} to this file`)
	seed := fs.Uint64("seed", 1, "the engine's request seed and the models' seed: the same seed gives the same figures")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %s", ErrUsage, evalUsage)
	}
	if *data == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: %s", ErrUsage, evalUsage)
	}
	f, err := dataFormat(*format, *data)
	if err != nil {
		return err
	}
	if math.IsNaN(*threshold) || math.IsInf(*threshold, 0) {
		return fmt.Errorf("%w: --threshold must be a number", ErrUsage)
	}
	if *seed == 0 {
		return fmt.Errorf("%w: --seed must be positive", ErrUsage)
	}

	start := time.Now()
	say := func(msg string) { fmt.Fprintf(stderr, "[%6.1fs] %s\n", time.Since(start).Seconds(), msg) }
	opts := eval.Options{Threshold: *threshold, Seed: *seed, Progress: say}
	if *items != "" {
		say("reading " + *items)
		if opts.Items, err = readItemFile(*items); err != nil {
			return err
		}
	}
	say("reading " + *data)
	rows, err := readRows(*data, f)
	if err != nil {
		return err
	}
	rep, err := eval.Run(ctx, rows, opts)
	if err != nil {
		return fmt.Errorf("eval %s: %w", *data, err)
	}
	if *lists != "" {
		if err := writeLists(*lists, rep); err != nil {
			return err
		}
		say(fmt.Sprintf("wrote the engine's %d lists to %s", len(rep.Lists), *lists))
	}
	say("done")
	if *asJSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteTable(stdout)
}

// dataFormat is the format asked for, or the one a file's name implies.
func dataFormat(asked, path string) (eval.Format, error) {
	switch asked {
	case "csv":
		return eval.CSV, nil
	case "recbole":
		return eval.RecBole, nil
	case "":
		if strings.EqualFold(filepath.Ext(path), ".inter") {
			return eval.RecBole, nil
		}
		return eval.CSV, nil
	}
	return "", fmt.Errorf("%w: --format is csv or recbole, not %q", ErrUsage, asked)
}

func readRows(path string, f eval.Format) ([]eval.Row, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer file.Close()
	rows, err := eval.Read(bufio.NewReaderSize(file, 1<<16), f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return rows, nil
}

func readItemFile(path string) (map[string]eval.ItemInfo, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	defer file.Close()
	info, err := eval.ReadItems(bufio.NewReaderSize(file, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return info, nil
}

// writeLists writes the lists beside any directory it needs, through a
// temporary file, so a reader never sees half a file.
func writeLists(path string, rep *eval.Report) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lists: %w", err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("lists: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("lists: %w", err)
	}
	w := bufio.NewWriter(tmp)
	if err := rep.WriteLists(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("lists: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("lists: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("lists: %w", err)
	}
	return nil
}
