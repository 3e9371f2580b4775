package local

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lyolearn/lyo/internal/blob"
)

// BenchmarkPut is a whole atomic write (temporary file, SHA-256, fsync,
// rename, directory fsync) beside io.Copy of the same bytes into a plain file,
// with and without an fsync: what atomicity and durability cost.
func BenchmarkPut(b *testing.B) {
	for _, size := range []int{64 << 10, 8 << 20} {
		body := bytes.Repeat([]byte("x"), size)
		b.Run(fmt.Sprintf("lyo/%dKiB", size>>10), func(b *testing.B) {
			st := newTestStore(b, nil)
			b.SetBytes(int64(size))
			for i := 0; b.Loop(); i++ {
				if _, err := st.Put(b.Context(), fmt.Sprintf("bench/%d", i%16), bytes.NewReader(body), blob.PutOptions{Size: int64(size)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, sync := range []bool{false, true} {
			name := "plain-file"
			if sync {
				name += "+fsync"
			}
			b.Run(fmt.Sprintf("%s/%dKiB", name, size>>10), func(b *testing.B) {
				dir := b.TempDir()
				b.SetBytes(int64(size))
				for i := 0; b.Loop(); i++ {
					f, err := createPlain(dir, i%16)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.Copy(f, bytes.NewReader(body)); err != nil {
						b.Fatal(err)
					}
					if sync {
						f.Sync()
					}
					f.Close()
				}
			})
		}
	}
}

func createPlain(dir string, n int) (*os.File, error) {
	return os.Create(filepath.Join(dir, strconv.Itoa(n)))
}
