package llm

import "testing"

func TestImagePartIsNotText(t *testing.T) {
	if !Image("image/png", []byte{0x89}).IsImage() {
		t.Fatal("an inline image part reports as text")
	}
	if Text("hello").IsImage() || Image("image/png", nil).IsImage() {
		t.Fatal("a text part or an empty image reports as an image")
	}
}
