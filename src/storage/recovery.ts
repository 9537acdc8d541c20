/**
 * Opening a partition directory after a clean stop or a crash:
 *
 *  1. Remove leftovers: temporary checkpoint files, `.cleaned` copies of compaction (README C4), index files without a .log, and segments that
 *     lie wholly below the log start checkpoint (a prefix truncation that crashed part-way).
 *  2. Scan the last segment from its start, checking each batch's length, CRC, base offset
 *     (contiguous from the segment's base) and term; cut the file at the first bad byte (a torn
 *     or unsynced tail) and say so in one log line. This also rebuilds its in-memory index.
 *  3. Sealed segments are not read: only their sizes are listed. Their indexes load on first use
 *     and are rebuilt from the .log if missing or damaged (segment.ts), so opening a log of a
 *     thousand segments costs a directory listing and a thousand stats, not a thousand reads.
 *  After a clean close (README: Clean shutdown) a valid clean-shutdown marker that matches the
 *  files replaces step 2: the active segment's index is loaded from the files close wrote and its
 *  bytes are not read. The marker is removed durably before anything else changes, whatever it says.
 *  4. Term ranges come from their checkpoint, minus entries at or past the recovered end, plus
 *     any newer term seen in the scanned tail; if the checkpoint is lost, every segment is scanned
 *     once to rebuild it (logged).
 */
import { joinPath } from '../io/fs.js'
import { isCleanedTemp } from './cleaner.js'
import {
  CLEAN_SHUTDOWN_FILE,
  type CleanShutdown,
  readCleanShutdown,
  readLogStart,
  readTermRanges,
  type TermStart,
  writeTermRanges,
} from './checkpoint.js'
import type { StorageLogger } from './options.js'
import type { RecoveredState } from './partition-log-api.js'
import { SEGMENT_NAME_RE, Segment, type SegmentContext, segmentName } from './segment.js'
import { SegmentIndex } from './segment-index.js'
import type { StoredBatch } from './stored-batch.js'
import { TermRanges } from './term-ranges.js'

export async function recoverLog(ctx: SegmentContext, logger: StorageLogger): Promise<RecoveredState> {
  const { fs, dir } = ctx
  await fs.mkdirp(dir)
  // A new partition directory must itself survive a crash before anything in it is acknowledged.
  await fs.syncDir(parentDir(dir))
  const names = await fs.list(dir)
  let marker: CleanShutdown | undefined
  if (names.includes(CLEAN_SHUTDOWN_FILE)) {
    // Read, then gone for good before this open changes anything or the log takes an append:
    // a marker must never outlive the session that trusted it (README: Clean shutdown, S3).
    marker = await readCleanShutdown(fs, dir)
    await fs.remove(joinPath(dir, CLEAN_SHUTDOWN_FILE))
    await fs.syncDir(dir)
  }
  const logs = new Set<string>()
  for (const name of names) {
    const m = SEGMENT_NAME_RE.exec(name)
    if (m !== null && m[2] === 'log') logs.add(m[1] as string)
  }
  for (const name of names) {
    const m = SEGMENT_NAME_RE.exec(name)
    const orphanIndex = m !== null && m[2] !== 'log' && !logs.has(m[1] as string)
    if (name.endsWith('.tmp') || isCleanedTemp(name) || orphanIndex) await fs.remove(joinPath(dir, name))
  }
  const bases = [...logs].sort().map(Number)
  let segments: Segment[] = []
  for (const base of bases) {
    const size = (await fs.sizeOf(joinPath(dir, `${segmentName(base)}.log`))) ?? 0
    segments.push(new Segment(base, size, base))
  }
  for (let i = 0; i + 1 < segments.length; i++) {
    ;(segments[i] as Segment).endOffset = (segments[i + 1] as Segment).baseOffset
  }
  const checkpoint = await readLogStart(fs, dir)
  let logStart = Math.max(checkpoint ?? 0, segments[0]?.baseOffset ?? 0)
  while (segments.length > 1 && (segments[1] as Segment).baseOffset <= logStart) {
    await (segments.shift() as Segment).removeFiles(ctx)
  }
  if (segments.length === 0) segments = [await createEmpty(ctx, logStart)]

  const persisted = await readTermRanges(fs, dir)
  const last = segments[segments.length - 1] as Segment
  const tail =
    (await cleanTail(ctx, last, persisted, marker)) ?? (await recoverTail(ctx, logger, last, persisted))
  if (tail.end < logStart) {
    // The tail lost what a full prefix truncation had replaced: start empty at the log start.
    for (const s of segments) await s.removeFiles(ctx)
    segments = [await createEmpty(ctx, logStart)]
  } else if (last.sizeBytes === 0 && segments.length === 1) {
    logStart = Math.max(logStart, last.baseOffset)
  }
  const end = (segments[segments.length - 1] as Segment).endOffset

  let terms: TermRanges
  let lastTermEver = 0
  if (persisted === undefined && segments.some((s) => s.sizeBytes > 0)) {
    logger.warn(`storage: ${dir}: term ranges missing or damaged; rebuilding them from every segment`)
    terms = await rebuildTerms(ctx, segments)
  } else {
    lastTermEver = persisted?.[persisted.length - 1]?.term ?? 0
    terms = new TermRanges(persisted ?? [])
    terms.truncateSuffix(end)
    for (const t of tail.termStarts)
      if (t.term > (terms.lastTerm() ?? -1)) terms.onAppend(t.term, t.startOffset)
  }
  terms.truncatePrefix(logStart)
  if (!sameRanges(terms.list(), persisted)) await writeTermRanges(fs, dir, terms.list())
  lastTermEver = Math.max(lastTermEver, terms.lastTerm() ?? 0)
  return { segments, logStart, terms, lastTermEver }
}

async function createEmpty(ctx: SegmentContext, base: number): Promise<Segment> {
  const segment = new Segment(base, 0, base)
  const handle = await ctx.fs.open(segment.logPath(ctx), { create: true })
  await handle.truncate(0)
  await handle.datasync()
  await handle.close()
  await ctx.fs.syncDir(ctx.dir)
  segment.index = new SegmentIndex(base, ctx.indexIntervalBytes)
  segment.maxTimestamp = -1
  return segment
}

/**
 * The tail as a clean close left it, without reading the .log, when the marker's promises hold:
 * it names this segment and its exact byte length, the term ranges end in the term it recorded,
 * and the index files close wrote are intact and describe this length and end offset. Otherwise
 * undefined, and the caller scans as after a crash.
 */
async function cleanTail(
  ctx: SegmentContext,
  last: Segment,
  persisted: readonly TermStart[] | undefined,
  marker: CleanShutdown | undefined,
): Promise<{ end: number; termStarts: TermStart[] } | undefined> {
  if (marker === undefined || persisted === undefined) return undefined
  if (marker.activeBase !== last.baseOffset || marker.activeBytes !== last.sizeBytes) return undefined
  const knownLast = persisted[persisted.length - 1]
  if ((knownLast?.term ?? -1) !== marker.lastTerm) return undefined
  if (!(await last.adoptIndexFiles(ctx, marker.endOffset))) return undefined
  // From here on the active segment's index lives in memory, as after a scan.
  await last.removeIndexFiles(ctx)
  return { end: marker.endOffset, termStarts: [] }
}

/** Scans the last segment, cuts a bad tail, and returns the terms it saw begin. */
async function recoverTail(
  ctx: SegmentContext,
  logger: StorageLogger,
  last: Segment,
  persisted: readonly TermStart[] | undefined,
): Promise<{ end: number; termStarts: TermStart[] }> {
  const known = new TermRanges(persisted ?? [])
  const knownLast = persisted?.[persisted.length - 1]
  const termStarts: TermStart[] = []
  let previousTerm = -1
  const check = (b: StoredBatch): string | undefined => {
    if (b.term < previousTerm) return `term ${b.term} after term ${previousTerm}`
    const expected = known.termAt(b.baseOffset)
    const newer =
      knownLast === undefined || (b.term > knownLast.term && b.baseOffset >= knownLast.startOffset)
    if (expected !== undefined && expected !== b.term && !newer) {
      return `batch term ${b.term} where the term ranges say ${expected}`
    }
    return undefined
  }
  const onBatch = (b: StoredBatch): void => {
    if (b.term !== previousTerm) termStarts.push({ term: b.term, startOffset: b.baseOffset })
    previousTerm = b.term
  }
  const fileBytes = last.sizeBytes
  const scan = await last.rebuildIndex(ctx, fileBytes, check, onBatch)
  if (scan.position < fileBytes) {
    const pinned = await ctx.files.pin(last.logPath(ctx), false)
    try {
      await pinned.handle.truncate(scan.position)
      await pinned.handle.datasync()
    } finally {
      pinned.release()
    }
    logger.warn(
      `storage: recovered ${ctx.dir}: cut ${fileBytes - scan.position} bytes from ${segmentName(last.baseOffset)}.log ` +
        `at byte ${scan.position} (${scan.stopped ?? 'bytes past the last batch'}); the log now ends at offset ${scan.nextOffset}`,
    )
  }
  last.sizeBytes = scan.position
  last.endOffset = scan.nextOffset
  // The active segment's index lives in memory; old files would describe a different .log.
  await last.removeIndexFiles(ctx)
  return { end: scan.nextOffset, termStarts }
}

async function rebuildTerms(ctx: SegmentContext, segments: Segment[]): Promise<TermRanges> {
  const terms = new TermRanges()
  for (const segment of segments) {
    const keep = segment === segments[segments.length - 1]
    await segment.rebuildIndex(ctx, segment.sizeBytes, undefined, (b) => {
      if (b.term > (terms.lastTerm() ?? -1)) terms.onAppend(b.term, b.baseOffset)
    })
    if (!keep) segment.index = undefined
  }
  return terms
}

function sameRanges(a: readonly TermStart[], b: readonly TermStart[] | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false
  return a.every((r, i) => r.term === b[i]?.term && r.startOffset === b[i]?.startOffset)
}

/** The directory holding `dir`: '/' for a top-level absolute path, '.' for a bare name. */
export function parentDir(dir: string): string {
  const trimmed = dir.length > 1 ? dir.replace(/\/+$/, '') : dir
  const i = trimmed.lastIndexOf('/')
  if (i < 0) return '.'
  return i === 0 ? '/' : trimmed.slice(0, i)
}
