/**
 * The pipes and their checkpoints, in the data directory: `pipes.json` (every pipe as
 * DescribePipe shows it) and `checkpoints.json` (per pipe and shard, the sequence number of the
 * last record the pipe is done with: delivered, filtered out, or sent to the dead-letter queue).
 * Every change is fsynced before it counts, so a restart resumes exactly where the pipe stopped.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PipesDataError } from './errors.ts';
import { readJsonFile, WriteQueue, writeJsonFile } from './file.ts';

/** A pipe as stored and described (the Pipes API's member names). */
export interface StoredPipe {
  readonly Name: string;
  readonly Arn: string;
  readonly Description?: string;
  readonly DesiredState: 'RUNNING' | 'STOPPED';
  readonly CurrentState: string;
  readonly StateReason?: string;
  readonly Source: string;
  readonly SourceParameters?: Record<string, unknown>;
  readonly Enrichment?: string;
  readonly EnrichmentParameters?: Record<string, unknown>;
  readonly Target: string;
  readonly TargetParameters?: Record<string, unknown>;
  readonly RoleArn: string;
  readonly Tags?: Record<string, string>;
  readonly LogConfiguration?: Record<string, unknown>;
  readonly KmsKeyIdentifier?: string;
  /** Epoch milliseconds. */
  readonly CreationTime: number;
  readonly LastModifiedTime: number;
}

type Checkpoints = Record<string, Record<string, string>>;

export class PipeStore {
  private readonly writes = new WriteQueue();

  private constructor(
    private readonly dir: string,
    private pipes: Map<string, StoredPipe>,
    private checkpoints: Checkpoints,
  ) {}

  static async open(dir: string): Promise<PipeStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const pipesFile = join(dir, 'pipes.json');
    const raw = (await readJsonFile(pipesFile)) ?? { format: 1, pipes: [] };
    const checkpoints = ((await readJsonFile(join(dir, 'checkpoints.json'))) ?? {}) as Checkpoints;
    if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { pipes?: unknown }).pipes)) {
      throw new PipesDataError(`${pipesFile} is not a pipes file (format 1).`, pipesFile);
    }
    const list = (raw as { pipes: StoredPipe[] }).pipes;
    return new PipeStore(dir, new Map(list.map((p) => [p.Name, p])), checkpoints);
  }

  get(name: string): StoredPipe | undefined {
    return this.pipes.get(name);
  }

  list(): StoredPipe[] {
    return [...this.pipes.values()].sort((a, b) => (a.Name < b.Name ? -1 : 1));
  }

  /** Saves (or with `undefined`, deletes) one pipe; resolves once it is on disk. */
  put(name: string, pipe: StoredPipe | undefined): Promise<void> {
    return this.writes.run(async () => {
      const next = new Map(this.pipes);
      if (pipe === undefined) next.delete(name);
      else next.set(name, pipe);
      await writeJsonFile(join(this.dir, 'pipes.json'), { format: 1, pipes: [...next.values()] });
      this.pipes = next;
      if (pipe === undefined && name in this.checkpoints) {
        const { [name]: _gone, ...rest } = this.checkpoints;
        await writeJsonFile(join(this.dir, 'checkpoints.json'), rest);
        this.checkpoints = rest;
      }
    });
  }

  checkpoint(pipe: string, shardId: string): string | undefined {
    return this.checkpoints[pipe]?.[shardId];
  }

  /** Records that the pipe is done with every record of the shard up to `sequenceNumber`. */
  setCheckpoint(pipe: string, shardId: string, sequenceNumber: string): Promise<void> {
    return this.writes.run(async () => {
      const next = { ...this.checkpoints, [pipe]: { ...this.checkpoints[pipe], [shardId]: sequenceNumber } };
      await writeJsonFile(join(this.dir, 'checkpoints.json'), next);
      this.checkpoints = next;
    });
  }

  flush(): Promise<void> {
    return this.writes.flush();
  }
}
