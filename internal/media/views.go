package media

import (
	"context"
	"time"
)

// View is a media record as the API answers it.
type View struct {
	ID          string        `json:"id"`
	Kind        Kind          `json:"kind"`
	Status      Status        `json:"status"`
	Reason      string        `json:"reason,omitempty"`
	Bytes       int64         `json:"bytes"`
	SHA256      string        `json:"sha256"`
	Format      string        `json:"format"`
	Width       int           `json:"width"`
	Height      int           `json:"height"`
	DurationMS  int64         `json:"duration_ms"`
	Visibility  Visibility    `json:"visibility"`
	Original    ObjectView    `json:"original"`
	Variants    []VariantView `json:"variants"`
	Placeholder string        `json:"placeholder,omitempty"`
	Dominant    string        `json:"dominant_color,omitempty"`
	OwnerID     string        `json:"owner_id"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// ObjectView is the original file.
type ObjectView struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Bytes       int64  `json:"bytes"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
}

// VariantView is one variant.
type VariantView struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Format string `json:"format"`
	Bytes  int64  `json:"bytes"`
}

// View builds the answer for m, its URLs included.
func (s *Service) View(ctx context.Context, m Media) (View, error) {
	v := View{ID: m.ID, Kind: m.Kind, Status: m.Status, Reason: m.Reason, Bytes: m.Bytes, SHA256: m.SHA256,
		Format: m.Format, Width: m.Width, Height: m.Height, DurationMS: m.DurationMS, Visibility: m.Visibility,
		Placeholder: m.Placeholder, Dominant: m.Dominant, OwnerID: m.OwnerID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		Variants: []VariantView{}}
	prov, err := s.provider(m.Provider)
	if err != nil {
		return View{}, err
	}
	url, err := s.urls.URL(ctx, prov, m.Visibility, m.OriginalKey)
	if err != nil {
		return View{}, storageErr("sign URL", err)
	}
	v.Original = ObjectView{URL: url, ContentType: m.ContentType, Bytes: m.Bytes, Width: m.Width, Height: m.Height}
	for _, va := range m.Variants {
		url, err := s.urls.URL(ctx, prov, m.Visibility, va.Key)
		if err != nil {
			return View{}, storageErr("sign URL", err)
		}
		v.Variants = append(v.Variants, VariantView{Name: va.Name, URL: url, Width: va.Width, Height: va.Height, Format: va.Format, Bytes: va.Bytes})
	}
	return v, nil
}
