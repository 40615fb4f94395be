// The repository root, found from this file's own location, so that library code finds figures/, checkpoints/ and
// results/ whatever the working directory (a notebook kernel runs in notebooks/). Notebooks load lib through the
// notebooks/lib symlink, so __dirname may be notebooks/lib/io: the link is resolved first.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(): string {
  return path.resolve(fs.realpathSync(__dirname), '..', '..');
}

/** A path inside the repository, from its parts relative to the root. */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot(), ...parts);
}

/** A file relative to the repository root when inside it, else absolute: for messages and recorded provenance. */
export function repoRelative(file: string): string {
  const rel = path.relative(repoRoot(), path.resolve(file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(file) : rel;
}
