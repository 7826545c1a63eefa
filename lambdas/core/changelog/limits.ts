/**
 * Input bounds, checked before any work so that an oversized request fails fast and whole (DESIGN §7).
 * They are sized for real release ranges, not for the smallest plausible input: a changelog that fails on a
 * legitimate release is worse than one that accepts a large commit.
 */

/** Commits (raw messages and structured entries together) in one changelog. */
export const MAX_COMMITS = 10_000;

/**
 * Entries after override blocks and nested commits are expanded: a commit may carry several, but a request
 * cannot turn 10,000 commits into millions of entries.
 */
export const MAX_ENTRIES = 50_000;

/**
 * Characters in one commit message. Twice GitHub's 65,536-character pull-request description limit, because
 * squash merges put title and description (plus bot trailers) into one message.
 */
export const MAX_MESSAGE_CHARS = 131_072;

/** Characters in a message's first line or a structured entry's description. */
export const MAX_SUBJECT_CHARS = 4_096;

/** Characters of all messages together, so that 10,000 maximal messages cannot exhaust a function's memory. */
export const MAX_TOTAL_CHARS = 64 * 1024 * 1024;

/** Entries in a custom section map. */
export const MAX_SECTION_RULES = 64;
