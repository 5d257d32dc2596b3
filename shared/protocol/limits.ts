// Sizes the protocol promises: an endpoint closes a WebSocket whose message is larger.

/** One session frame, either way (the longest log page or state snapshot fits well within it). */
export const MAX_FRAME_BYTES = 256 * 1024;

/** One session frame carried over the agent–relay link: the frame plus its stream header ([kind u8][sid u32]), with room. */
export const MAX_LINK_FRAME_BYTES = MAX_FRAME_BYTES + 16;
