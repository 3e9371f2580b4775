package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/media"
	"github.com/lyolearn/lyo/internal/tutor"
)

// maxTutorImageBytes bounds an image sent to a model with a question.
const maxTutorImageBytes = 5 << 20

// tutorImageTypes are the image types the models read inline.
var tutorImageTypes = map[string]string{"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}

// tutorMedia hands the tutor a learner's photographed exercise: the largest
// variant media processing made in a type models read, or the original.
type tutorMedia struct {
	media     *media.Service
	providers []blob.Provider
}

func (t tutorMedia) Image(ctx context.Context, userID, mediaID string) (string, []byte, error) {
	m, err := t.media.Get(ctx, access.Caller{UserID: userID, Role: access.Learner}, mediaID)
	if errors.Is(err, media.ErrNotFound) {
		return "", nil, tutor.ErrNotFound
	}
	if err != nil {
		return "", nil, err
	}
	if m.Kind != media.Image {
		return "", nil, fault.New(tutor.ErrInvalidMedia, "not_an_image", "is not an image")
	}
	if m.Status == media.Failed {
		return "", nil, fault.New(tutor.ErrInvalidMedia, "unreadable_image", "could not be processed as an image")
	}
	key, format, size := m.OriginalKey, m.Format, m.Bytes
	for _, v := range m.Variants { // smallest first: the last readable one is the largest
		if tutorImageTypes[v.Format] != "" {
			key, format, size = v.Key, v.Format, v.Bytes
		}
	}
	mime := tutorImageTypes[format]
	if mime == "" {
		return "", nil, fault.New(tutor.ErrInvalidMedia, "unsupported_image", "is a %s image, which the tutor cannot read", format)
	}
	if size > maxTutorImageBytes {
		return "", nil, fault.New(tutor.ErrInvalidMedia, "image_too_large", "is larger than %d MiB", maxTutorImageBytes>>20)
	}
	var store blob.Store
	for _, p := range t.providers {
		if p.Name == m.Provider {
			store = p.Store
		}
	}
	if store == nil {
		return "", nil, fmt.Errorf("media %s: storage provider %q is not configured", m.ID, m.Provider)
	}
	obj, err := store.Get(ctx, key, blob.GetOptions{})
	if err != nil {
		return "", nil, media.StorageError("read media "+m.ID, err)
	}
	defer obj.Body.Close()
	data, err := io.ReadAll(io.LimitReader(obj.Body, maxTutorImageBytes+1))
	if err != nil {
		return "", nil, media.StorageError("read media "+m.ID, err)
	}
	if len(data) > maxTutorImageBytes {
		return "", nil, fault.New(tutor.ErrInvalidMedia, "image_too_large", "is larger than %d MiB", maxTutorImageBytes>>20)
	}
	return mime, data, nil
}
