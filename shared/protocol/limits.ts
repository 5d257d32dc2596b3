// Sizes the protocol promises: an endpoint closes a WebSocket whose message is larger.

/** One session frame, either way (the longest log page or state snapshot fits well within it). */
export const MAX_FRAME_BYTES = 256 * 1024;

/** One session frame carried over the agent–relay link: the frame plus its stream header ([kind u8][sid u32]), with room. */
export const MAX_LINK_FRAME_BYTES = MAX_FRAME_BYTES + 16;

// Nothing is buffered without limit: a peer that does not read (a phone on a dead network, a
// stalled relay) or that sends faster than it can be served is dropped and reconnects, rather
// than growing the other side's memory until it dies.

/** Bytes queued toward one session's peer and not yet taken by it; past this the session is dropped. */
export const MAX_QUEUED_BYTES = 8 * MAX_FRAME_BYTES;

/** Frames of one session waiting to be sealed or opened; past this the session is dropped. */
export const MAX_PENDING_FRAMES = 512;

/** Bytes queued on the agent–relay link (all of a home's streams) before the slow side is dropped. */
export const MAX_LINK_QUEUED_BYTES = 64 * MAX_FRAME_BYTES;
