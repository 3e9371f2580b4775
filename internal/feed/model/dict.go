package model

// Dict maps opaque string IDs (users, items) to dense indexes 0..Len()-1, so the
// matrices and factor tables below are plain slices indexed by int32.
type Dict struct {
	ids []string
	pos map[string]int32
}

// NewDict returns a dictionary holding ids in order; a repeated ID keeps its
// first index.
func NewDict(ids ...string) *Dict {
	d := &Dict{pos: make(map[string]int32, len(ids))}
	for _, id := range ids {
		d.Add(id)
	}
	return d
}

// Add returns the index of id, giving it the next index when it is new.
func (d *Dict) Add(id string) int32 {
	if d.pos == nil {
		d.pos = map[string]int32{}
	}
	if i, ok := d.pos[id]; ok {
		return i
	}
	i := int32(len(d.ids))
	d.ids = append(d.ids, id)
	d.pos[id] = i
	return i
}

// Index returns the index of id.
func (d *Dict) Index(id string) (int32, bool) {
	if d == nil {
		return 0, false
	}
	i, ok := d.pos[id]
	return i, ok
}

// ID returns the ID at index i; i must be in range.
func (d *Dict) ID(i int32) string { return d.ids[i] }

// Len is the number of IDs.
func (d *Dict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.ids)
}

// IDs returns the IDs in index order. The slice is shared: do not modify it.
func (d *Dict) IDs() []string {
	if d == nil {
		return nil
	}
	return d.ids
}
