// Package media takes a learner's or creator's upload to stored, processed,
// deliverable media: the upload routes (multipart through Lyo, or a presigned
// upload straight to the bucket), the media record, the processing job that
// makes each variant, and the URLs every client gets.
//
// An upload is streamed to the primary storage provider while it is hashed,
// never held in memory whole. Its type comes from its first bytes and its
// dimensions from its header, both read before anything is stored, so a file
// of another type or a header claiming too many pixels is refused at once.
// The object lands under a staging key and is copied to its content-addressed
// key ({id}/original-{hash}.{ext}) only once it is complete; the record and its
// processing job commit in one transaction after that, so nothing is visible
// before the whole upload is stored, and a refused upload leaves nothing behind.
//
// Processing runs as a job (media.process): it reads the original, lets the
// imaging processor make every preset, stores each variant under its own
// content-addressed key and then, in one write, makes the record ready. A job
// carries the record's processing run: a job of an older run (the media was
// re-optimised since) does nothing, and a retried job stores the same keys
// again, so a crash mid-job does no harm.
package media
