package media

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lyolearn/lyo/internal/blob"
)

// rangedObject makes an object whose body cannot seek (one from S3) an
// io.ReadSeeker, so http.ServeContent answers ranges and conditional requests
// for it as for a file: a read after a seek opens the object again from the
// new offset, the ETag pinned so that two versions never mix.
type rangedObject struct {
	ctx  context.Context
	st   blob.Store
	info blob.Info
	body io.ReadCloser
	pos  int64 // where body is
	off  int64 // where the next read starts
}

func (o *rangedObject) Read(p []byte) (int, error) {
	if o.off >= o.info.Size {
		return 0, io.EOF
	}
	if o.body == nil || o.pos != o.off {
		if o.body != nil {
			o.body.Close()
			o.body = nil
		}
		obj, err := o.st.Get(o.ctx, o.info.Key, blob.GetOptions{Range: &blob.Range{Offset: o.off, Length: -1}, IfMatch: o.info.ETag})
		if err != nil {
			return 0, err
		}
		o.body, o.pos = obj.Body, o.off
	}
	n, err := o.body.Read(p)
	o.pos += int64(n)
	o.off = o.pos
	return n, err
}

func (o *rangedObject) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += o.off
	case io.SeekEnd:
		offset += o.info.Size
	default:
		return 0, errors.New("seek: bad whence")
	}
	if offset < 0 {
		return 0, fmt.Errorf("seek: negative offset %d", offset)
	}
	o.off = offset
	return offset, nil
}

func (o *rangedObject) Close() error {
	if o.body == nil {
		return nil
	}
	return o.body.Close()
}

// seekable gives obj a body that seeks: its own when it can, else a
// rangedObject over the store.
func seekable(ctx context.Context, st blob.Store, obj *blob.Object) io.ReadSeekCloser {
	if rs, ok := obj.Body.(io.ReadSeekCloser); ok {
		return rs
	}
	return &rangedObject{ctx: ctx, st: st, info: obj.Info, body: obj.Body}
}
