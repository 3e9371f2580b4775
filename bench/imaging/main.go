// Command imaging measures Lyo's image pipeline (internal/media/imaging, the
// libvips processor) against vipsthumbnail on the same 12 MP JPEG, in the same
// run: the default preset set (150, 480 and 1080 pixels wide, each in WebP and
// JPEG) from one original, through Process in this process and through one
// vipsthumbnail run per variant.
//
// vipsthumbnail starts a process and libvips for each variant; that start-up is
// measured on a one-pixel image and taken off, so the baseline is libvips' own
// work and the ratio the stricter one. Rounds alternate between the two, and the
// best round of each is compared (other work on the machine only ever slows a
// round). Target (the issue): Lyo within 1.3× of vipsthumbnail. Exit status: 0
// met, 3 missed, anything else an error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lyolearn/lyo/internal/media/imaging"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "imaging:", err)
		os.Exit(1)
	}
}

// sample is one measured run: wall time, CPU time and peak RSS.
type sample struct {
	wall, cpu time.Duration
	maxRSS    int64 // KiB
	bytes     int64 // of all variants
}

func run() error {
	src := flag.String("src", "", "the original to process; empty: generate a 12 MP JPEG")
	gen := flag.String("gen", "", "only generate the original into this file, and exit")
	rounds := flag.Int("rounds", 5, "measured rounds of each")
	width := flag.Int("width", 4000, "width of the generated original")
	height := flag.Int("height", 3000, "height of the generated original")
	target := flag.Float64("target", 1.3, "Lyo may take at most this many times vipsthumbnail's time")
	pure := flag.Bool("go", true, "also time the pure-Go processor once (not judged)")
	flag.Parse()
	if *gen != "" {
		return generate(*gen, *width, *height)
	}

	tmp, err := os.MkdirTemp("", "lyo-imaging-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *src == "" {
		// In a child process, so that the peak RSS read here is the pipeline's.
		*src = filepath.Join(tmp, "original.jpg")
		self, err := os.Executable()
		if err != nil {
			return err
		}
		cmd := exec.Command(self, "-gen", *src, "-width", strconv.Itoa(*width), "-height", strconv.Itoa(*height))
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("generate: %v: %s", err, b)
		}
	}
	st, err := os.Stat(*src)
	if err != nil {
		return err
	}
	f, err := os.Open(*src)
	if err != nil {
		return err
	}
	info, err := imaging.Probe(f, imaging.Limits{})
	f.Close()
	if err != nil {
		return err
	}
	thumb, err := exec.LookPath("vipsthumbnail")
	if err != nil {
		return errors.New("vipsthumbnail is missing (Debian: libvips-tools)")
	}
	p := imaging.New()
	if p.Name() != "libvips" {
		return errors.New("built without libvips: build with -tags vips to measure the libvips pipeline")
	}
	presets := imaging.DefaultPresets()
	fmt.Printf("original: %d×%d %s, %.1f MB; %d presets: %s\n", info.Width, info.Height, info.Format,
		float64(st.Size())/1e6, len(presets), names(presets))

	dot := filepath.Join(tmp, "dot.png")
	if err := os.WriteFile(dot, onePixelPNG, 0o600); err != nil {
		return err
	}
	ctx := context.Background()
	// Warm both up: the page cache, libvips' modules, the first-use costs.
	if _, err := lyo(ctx, p, *src, presets, tmp); err != nil {
		return err
	}
	if _, err := thumbnails(thumb, *src, presets, tmp); err != nil {
		return err
	}
	var ls, ts, ss []sample
	for r := 0; r < *rounds; r++ {
		a, err := lyo(ctx, p, *src, presets, tmp)
		if err != nil {
			return err
		}
		b, err := thumbnails(thumb, *src, presets, tmp)
		if err != nil {
			return err
		}
		c, err := thumbnails(thumb, dot, presets, tmp)
		if err != nil {
			return err
		}
		ls, ts, ss = append(ls, a), append(ts, b), append(ss, c)
		fmt.Printf("round %d: lyo %s (cpu %s) · vipsthumbnail ×%d %s (cpu %s), of which start-up %s\n",
			r+1, ms(a.wall), ms(a.cpu), len(presets), ms(b.wall), ms(b.cpu), ms(c.wall))
	}
	bl, bt, bs := best(ls), best(ts), best(ss)
	work := bt.wall - bs.wall
	fmt.Println()
	fmt.Printf("lyo:           best %s, median %s, cpu %s, peak RSS of the process %.0f MiB, variants %.0f KB\n",
		ms(bl.wall), ms(median(ls)), ms(bl.cpu), float64(maxRSS(ls))/1024, float64(bl.bytes)/1e3)
	fmt.Printf("vipsthumbnail: best %s, median %s, cpu %s, variants %.0f KB; start-up of %d runs %s (cpu %s)\n",
		ms(bt.wall), ms(median(ts)), ms(bt.cpu), float64(bt.bytes)/1e3, len(presets), ms(bs.wall), ms(bs.cpu))
	if *pure {
		g, err := lyo(ctx, imaging.NewGo(imaging.Limits{}), *src, presets, tmp)
		if err != nil {
			return err
		}
		fmt.Printf("pure-Go processor (not judged; its 3 JPEG variants only): %s, cpu %s, variants %.0f KB\n", ms(g.wall), ms(g.cpu), float64(g.bytes)/1e3)
	}
	ratio := float64(bl.wall) / float64(work)
	fmt.Printf("lyo / vipsthumbnail without its start-up: %.2f× (target ≤ %.1f×); with it: %.2f×; cpu %.2f×\n",
		ratio, *target, float64(bl.wall)/float64(bt.wall), float64(bl.cpu)/float64(bt.cpu-bs.cpu))
	if ratio > *target {
		fmt.Println("target missed")
		os.Exit(3)
	}
	fmt.Println("target met")
	return nil
}

func lyo(ctx context.Context, p imaging.Processor, src string, presets []imaging.Preset, tmp string) (sample, error) {
	out, err := os.MkdirTemp(tmp, "lyo-")
	if err != nil {
		return sample{}, err
	}
	defer os.RemoveAll(out)
	runtime.GC()
	u0 := rusage(syscall.RUSAGE_SELF)
	t0 := time.Now()
	res, err := p.Process(ctx, src, presets, out)
	wall := time.Since(t0)
	u1 := rusage(syscall.RUSAGE_SELF)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w", p.Name(), err)
	}
	if len(res.Variants) == 0 {
		return sample{}, errors.New("no variants")
	}
	var n int64
	for _, v := range res.Variants {
		n += v.Bytes
	}
	return sample{wall: wall, cpu: cpuTime(u1) - cpuTime(u0), maxRSS: u1.Maxrss, bytes: n}, nil
}

// thumbnails runs vipsthumbnail once per preset, as Lyo would have to without
// its own pipeline: the same width, format, quality and metadata stripping.
func thumbnails(bin, src string, presets []imaging.Preset, tmp string) (sample, error) {
	out, err := os.MkdirTemp(tmp, "vt-")
	if err != nil {
		return sample{}, err
	}
	defer os.RemoveAll(out)
	var s sample
	for _, p := range presets {
		q := p.Quality
		dst := fmt.Sprintf("%s/%s.%s[Q=%d,strip]", out, p.Name, p.Format.Ext(), q)
		cmd := exec.Command(bin, src, "--size", strconv.Itoa(p.Width)+"x", "-o", dst)
		t0 := time.Now()
		b, err := cmd.CombinedOutput()
		s.wall += time.Since(t0)
		if err != nil {
			return sample{}, fmt.Errorf("vipsthumbnail: %v: %s", err, b)
		}
		// (Its peak RSS is not read: a child started the way os/exec starts
		// one shares the parent's memory until exec, and reports that peak.)
		if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.cpu += cpuTime(*u)
		}
	}
	err = filepath.WalkDir(out, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				s.bytes += fi.Size()
			}
		}
		return err
	})
	return s, err
}

func rusage(who int) syscall.Rusage {
	var u syscall.Rusage
	syscall.Getrusage(who, &u)
	return u
}

func cpuTime(u syscall.Rusage) time.Duration {
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func best(s []sample) sample {
	return slices.MinFunc(s, func(a, b sample) int { return int(a.wall - b.wall) })
}

func median(s []sample) time.Duration {
	w := make([]time.Duration, len(s))
	for i, x := range s {
		w[i] = x.wall
	}
	slices.Sort(w)
	return w[len(w)/2]
}

func maxRSS(s []sample) int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.maxRSS)
	}
	return m
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/1e6) }

func names(ps []imaging.Preset) string {
	var n []string
	for _, p := range ps {
		n = append(n, p.Name)
	}
	return strings.Join(n, " ")
}
