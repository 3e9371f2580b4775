// Command upload is bench/upload.sh's driver and its baseline. With -serve it is
// the baseline: a bare net/http handler that streams a multipart upload's file
// part to a file on disk (fsynced, as Lyo's local store does) and nothing else.
// Otherwise it sends the same large file, in turn, to that handler and to
// Lyo's POST /api/v1/storage/upload, and prints each one's throughput and the
// peak resident memory of both servers.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	serve := flag.String("serve", "", "serve the baseline on this address")
	dir := flag.String("dir", os.TempDir(), "baseline: where uploads are written; driver: where the file is made")
	bare := flag.String("bare", "", "driver: the baseline's URL")
	lyo := flag.String("lyo", "", "driver: Lyo's base URL")
	barePID := flag.Int("bare-pid", 0, "driver: the baseline's process id")
	lyoPID := flag.Int("lyo-pid", 0, "driver: Lyo's process id")
	size := flag.Int64("size", 1<<30, "driver: bytes to upload")
	rounds := flag.Int("rounds", 2, "driver: uploads to each server")
	target := flag.Float64("target", 0.7, "driver: the least share of the baseline's throughput Lyo must keep")
	flag.Parse()
	if *serve != "" {
		serveBare(*serve, *dir)
		return
	}
	os.Exit(drive(*dir, *bare, *lyo, *barePID, *lyoPID, *size, *rounds, *target))
}

func serveBare(addr, dir string) {
	n := 0
	mux := http.NewServeMux()
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				http.Error(w, "no file", http.StatusBadRequest)
				return
			}
			if part.FormName() != "file" {
				continue
			}
			n++
			f, err := os.Create(filepath.Join(dir, "upload-"+strconv.Itoa(n)))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			written, err := io.Copy(f, part)
			if err == nil {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			os.Remove(f.Name()) // keep the disk from filling over the rounds
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"bytes":%d}`, written)
			return
		}
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// makeFile writes a JPEG followed by zeros up to size bytes: a valid image
// whose decoders stop at its end, as large as wanted.
func makeFile(dir string, size int64) (string, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 640, 480)), nil); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "upload.jpg")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Write(b.Bytes()); err != nil {
		return "", err
	}
	return path, f.Truncate(size)
}

// upload sends the file as a multipart form, streamed from disk.
func upload(url, token, path string) (time.Duration, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		f, err := os.Open(path)
		if err == nil {
			defer f.Close()
			var part io.Writer
			if part, err = mw.CreateFormFile("file", "big.jpg"); err == nil {
				if _, err = io.Copy(part, f); err == nil {
					err = mw.Close()
				}
			}
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", url, pr)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("%s answered %d: %s", url, resp.StatusCode, body)
	}
	return took, nil
}

func register(base string) (string, error) {
	body := fmt.Sprintf(`{"email":"bench%d@example.com","password":"a long enough password"}`, time.Now().UnixNano())
	resp, err := http.Post(base+"/api/v1/auth/register", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tk struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil || tk.AccessToken == "" {
		return "", fmt.Errorf("register: %d %v", resp.StatusCode, err)
	}
	return tk.AccessToken, nil
}

// memKiB reads a field (VmRSS, VmHWM) of /proc/PID/status.
func memKiB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return n
		}
	}
	return -1
}

func drive(dir, bare, lyo string, barePID, lyoPID int, size int64, rounds int, target float64) int {
	path, err := makeFile(dir, size)
	if err != nil {
		log.Print(err)
		return 1
	}
	defer os.Remove(path)
	token, err := register(lyo)
	if err != nil {
		log.Print(err)
		return 1
	}
	idleBare, idleLyo := memKiB(barePID, "VmRSS"), memKiB(lyoPID, "VmRSS")
	best := map[string]time.Duration{}
	mb := float64(size) / (1 << 20)
	for r := 1; r <= rounds; r++ {
		for _, s := range []struct{ name, url, token string }{{"bare", bare + "/upload", ""}, {"lyo", lyo + "/api/v1/storage/upload", token}} {
			took, err := upload(s.url, s.token, path)
			if err != nil {
				log.Print(err)
				return 1
			}
			fmt.Printf("round %d  %-4s  %6.1f s  %7.1f MiB/s\n", r, s.name, took.Seconds(), mb/took.Seconds())
			if b, ok := best[s.name]; !ok || took < b {
				best[s.name] = took
			}
		}
	}
	ratio := best["bare"].Seconds() / best["lyo"].Seconds()
	fmt.Printf("\nbest of %d rounds, %.0f MiB each:\n", rounds, mb)
	fmt.Printf("  bare  %7.1f MiB/s   RSS idle %4d MiB, peak %4d MiB\n", mb/best["bare"].Seconds(), idleBare>>10, memKiB(barePID, "VmHWM")>>10)
	fmt.Printf("  lyo   %7.1f MiB/s   RSS idle %4d MiB, peak %4d MiB\n", mb/best["lyo"].Seconds(), idleLyo>>10, memKiB(lyoPID, "VmHWM")>>10)
	fmt.Printf("  lyo keeps %.0f%% of bare's throughput (target %.0f%%)\n", 100*ratio, 100*target)
	if ratio < target {
		return 3
	}
	return 0
}
