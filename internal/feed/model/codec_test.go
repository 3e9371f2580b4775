package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
	"time"
)

func trainedSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	m, b, _ := planted(4, 80, 60, 3, 10)
	var data TrainData
	for u := 0; u < m.Rows; u++ {
		cols, vals := m.Row(u)
		for k, c := range cols {
			data.Rows = append(data.Rows, Row{User: b.Users.ID(int32(u)), Item: b.Items.ID(c), Weight: vals[k], At: time.Unix(int64(k), 0)})
		}
	}
	for i := 0; i < m.NCols; i++ {
		data.Texts = append(data.Texts, Text{ID: b.Items.ID(int32(i)), Title: "lesson on topic " + itemID(i%3), Topics: []string{itemID(i % 3)}})
	}
	data.Texts = append(data.Texts, Text{ID: "cold", Title: "a lesson nobody watched", Topics: []string{itemID(0)}})
	data.Built = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := Train(context.Background(), data, Options{ALS: ALSOptions{Factors: 8, Iterations: 4}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSnapshotRoundTrips(t *testing.T) {
	s := trainedSnapshot(t)
	if s.Factors == nil || s.EASE == nil || s.Similar == nil || s.CoEngagement == nil || s.UserTop == nil {
		t.Fatalf("a model is missing: %+v", s)
	}
	// A small cluster index by hand (BuildClusters skips small catalogues).
	n, k := s.Items.Len(), s.Factors.K
	cl := &Clusters{K: k, Centroids: append([]float32(nil), s.Factors.Items[:2*k]...), Ptr: []int32{0, int32(n / 2), int32(n)}}
	for i := 0; i < n; i++ {
		cl.Members = append(cl.Members, int32(n-1-i))
		cl.Vectors = append(cl.Vectors, s.Factors.Item(int32(n-1-i))...)
	}
	s.Clusters = cl
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !got.Built.Equal(s.Built) {
		t.Errorf("built %v, want %v", got.Built, s.Built)
	}
	got.Built = s.Built
	if !reflect.DeepEqual(got, s) { // both are marked valid
		t.Error("decoded snapshot differs from the encoded one")
	}
}

func TestDecodeRefusesDamage(t *testing.T) {
	var buf bytes.Buffer
	if err := trainedSnapshot(t).Encode(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 1
	version := bytes.Clone(good)
	version[8] = 2
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"empty":       {nil, ErrCorrupt},
		"truncated":   {good[:len(good)-10], ErrCorrupt},
		"bit flipped": {flip, ErrCorrupt},
		"not ours":    {[]byte("PK\x03\x04 a zip file, say"), ErrCorrupt},
		"version 2":   {version, ErrVersion},
	} {
		if _, err := Decode(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", name, err, c.want)
		}
	}
}

// FuzzDecode feeds Decode damaged and forged snapshots: it must answer with an
// error, never a panic or an allocation beyond the input's size.
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	s := &Snapshot{Items: NewDict("a", "b"), Users: NewDict("u"), Popularity: []float32{1, 2},
		CoEngagement: &Lists{Ptr: []int32{0, 1, 1}, IDs: []int32{1}, Scores: []float32{0.5}}}
	if err := s.Encode(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("LYOSNAP\x00\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(withChecksum(data))
		if err != nil {
			return
		}
		// Whatever decodes must be safe to serve from.
		for i := 0; i < s.Items.Len(); i++ {
			s.CoEngagement.Of(int32(i))
		}
	})
}

// withChecksum fixes up the trailing CRC, so the fuzzer reaches the parser
// instead of stopping at the checksum.
func withChecksum(data []byte) []byte {
	if len(data) < 16 {
		return data
	}
	out := bytes.Clone(data[:len(data)-4])
	return binary.LittleEndian.AppendUint32(out, crcOf(out))
}
