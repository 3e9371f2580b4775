package app

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/blob/s3/s3test"
)

// TestMediaOnS3 runs the three upload paths of a 12 MP photo against a real
// S3-compatible server: uploads stream to the bucket, direct uploads go to it
// with its own presigned requests (which it checks), and private media's URLs
// are the bucket's presigned GETs.
func TestMediaOnS3(t *testing.T) {
	g := s3test.Start(t)
	s := newMediaServer(t, "", map[string]string{
		"LYO_STORAGE_MAIN_TYPE":              "s3",
		"LYO_STORAGE_MAIN_ENDPOINT":          g.Endpoint,
		"LYO_STORAGE_MAIN_REGION":            g.Region,
		"LYO_STORAGE_MAIN_BUCKET":            g.Bucket(t),
		"LYO_STORAGE_MAIN_PATH_STYLE":        "true",
		"LYO_STORAGE_MAIN_ACCESS_KEY_ID":     g.AccessKey,
		"LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": g.SecretKey,
		"LYO_MEDIA_PART_BYTES":               strconv.Itoa(5 << 20),
	})
	c := newClient(t, s, loadSpec(t))
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	photo := photo12MP()

	var streamed mediaView
	want(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", photo)), 201, &streamed)
	var batch struct {
		Items []struct {
			Status int        `json:"status"`
			Media  *mediaView `json:"media"`
		} `json:"items"`
	}
	want(t, ada.upload("/api/v1/storage/batch-upload", formFile{field: "visibility", body: []byte("public")}, photoPart("b.jpg", photo)), 200, &batch)
	if len(batch.Items) != 1 || batch.Items[0].Status != 201 {
		t.Fatalf("batch: %+v", batch)
	}
	single := directPut(t, ada, padded(photo, 4<<20), "private")
	parts := directParts(t, ada, padded(photo, 11<<20))

	for _, id := range []string{streamed.ID, batch.Items[0].Media.ID, single.ID, parts.ID} {
		m := waitProcessed(t, ada, id)
		checkVariants(t, m)
		if m.Width != 4000 || m.Height != 3000 {
			t.Errorf("%s: %dx%d", id, m.Width, m.Height)
		}
		url := m.Variants[0].URL
		if m.Visibility == "private" && !strings.HasPrefix(url, g.Endpoint) {
			t.Errorf("a private variant's URL is not the bucket's presigned one: %s", url)
		}
		code, hdr, body := ada.send("GET", url, nil, nil)
		if code != 200 || int64(len(body)) != m.Variants[0].Bytes {
			t.Errorf("GET %s: %d, %d bytes", url, code, len(body))
		}
		if m.Visibility == "public" {
			if hdr.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Errorf("public variant: Cache-Control %q", hdr.Get("Cache-Control"))
			}
			// Lyo serves the bucket's object itself, ranges and revalidation included.
			code, _, part := ada.send("GET", url, map[string]string{"Range": "bytes=5-14"}, nil)
			if code != 206 || !bytes.Equal(part, body[5:15]) {
				t.Errorf("a range of a public object on S3: %d, %d bytes", code, len(part))
			}
			if code, _, _ := ada.send("GET", url, map[string]string{"If-None-Match": hdr.Get("ETag")}, nil); code != 304 {
				t.Errorf("revalidation of a public object on S3: %d", code)
			}
		}
	}
	// Deleting removes every object from the bucket.
	want(t, ada.do("DELETE", "/api/v1/media/"+streamed.ID, nil), 204, nil)
	page, err := s.storage.primary().Store.List(t.Context(), blobList(streamed.ID+"/"))
	if err != nil || len(page.Items) != 0 {
		t.Errorf("objects left in the bucket: %+v %v", page.Items, err)
	}
}
