package imaging

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"

	"github.com/lyolearn/lyo/internal/fault"
)

// inspect checks an original before any decoder sees it: the type from its
// content, the header against the limits, the structure for a file cut short,
// and the whole file for markup that would make it a web page as well as an
// image.
func inspect(ctx context.Context, src string, lim Limits) (Info, error) {
	f, err := os.Open(src)
	if err != nil {
		return Info{}, fmt.Errorf("open original: %w", err)
	}
	defer f.Close()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Info{}, fmt.Errorf("read original: %w", err)
	}
	if _, err := Sniff(head[:n]); err != nil {
		return Info{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("read original: %w", err)
	}
	info, err := probe(f, lim, true)
	if err != nil {
		return Info{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("read original: %w", err)
	}
	if err := checkComplete(ctxReader{ctx, f}, info.Format); err != nil {
		return Info{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("read original: %w", err)
	}
	at, err := scanMarkup(ctxReader{ctx, f})
	if err != nil {
		return Info{}, err
	}
	if at >= 0 {
		return Info{}, corrupt("the file holds a web page (HTML or script at byte %d) as well as an image", at)
	}
	return info, nil
}

// scanMarkup streams r looking for markup; it returns the offset of the first,
// or -1.
func scanMarkup(r io.Reader) (int64, error) {
	const overlap = 16 // longer than any marker
	br := bufio.NewReaderSize(r, 64<<10)
	buf := make([]byte, 0, 64<<10+overlap)
	var base int64 // offset of buf[0]
	chunk := make([]byte, 64<<10)
	for {
		n, err := br.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if at := markupAt(buf); at >= 0 {
			return base + int64(at), nil
		}
		if len(buf) > overlap {
			drop := len(buf) - overlap
			base += int64(drop)
			buf = append(buf[:0], buf[drop:]...)
		}
		if errors.Is(err, io.EOF) {
			return -1, nil
		}
		if err != nil {
			return -1, fmt.Errorf("read original: %w", err)
		}
	}
}

// ctxReader stops reading once its context is done, so a long decode of a
// cancelled job ends at the next read.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// outputs collects the variant files of one run, to remove them all on failure.
type outputs struct {
	dir   string
	files []string
}

func (o *outputs) create(f Format) (*os.File, error) {
	file, err := os.CreateTemp(o.dir, "variant-*."+f.Ext())
	if err != nil {
		return nil, fmt.Errorf("create variant file: %w", err)
	}
	o.files = append(o.files, file.Name())
	return file, nil
}

func (o *outputs) removeAll() {
	for _, name := range o.files {
		os.Remove(name)
	}
	o.files = nil
}

// placeholders computes the blurhash and dominant colour from a small upright
// rendering of the image.
func placeholders(small *image.RGBA) (hash, dom string) {
	w, h := small.Rect.Dx(), small.Rect.Dy()
	tw, th := w, h
	if w > 32 || h > 32 {
		if w >= h {
			tw, th = 32, max(1, h*32/w)
		} else {
			tw, th = max(1, w*32/h), 32
		}
		small = resize(small, tw, th)
	}
	nx, ny := 4, 3
	if th > tw {
		nx, ny = 3, 4
	}
	return blurhash(small, nx, ny), dominant(small)
}

func noVariants(presets []Preset) error {
	return fault.New(ErrNoVariants, "no_variants", "none of the %d presets can be made on this server (WebP and AVIF need libvips)", len(presets))
}

// ErrNoVariants is a preset set of which the processor can make nothing. It
// wraps ErrUnsupported: asking again will not help.
var ErrNoVariants = fmt.Errorf("no preset can be made: %w", ErrUnsupported)
