/**
 * Official download locations of the datasets (checksums as published by the dataset authors or by
 * the Tonic library where the authors publish none). MNIST-DVS publishes no checksum: only its size and
 * the zip CRCs are checked.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractArchive } from './archive';
import { download, type Checksum } from './download';

export interface DatasetFile {
  url: string;
  /** File name to save as (archives are extracted next to it). */
  name: string;
  checksum?: Checksum;
}

export interface DatasetSource {
  id: 'mnist-dvs' | 'nmnist' | 'cifar10';
  title: string;
  homepage: string;
  files: DatasetFile[];
}

export const DATASETS: DatasetSource[] = [
  {
    id: 'mnist-dvs',
    title: 'MNIST-DVS (Serrano-Gotarredona & Linares-Barranco 2015)',
    homepage: 'http://www2.imse-cnm.csic.es/caviar/MNISTDVS.html',
    files: Array.from({ length: 10 }, (_, d) => ({ url: `http://www2.imse-cnm.csic.es/caviar/MNIST_DVS/grabbed_data${d}.zip`, name: `grabbed_data${d}.zip` })),
  },
  {
    id: 'nmnist',
    title: 'N-MNIST (Orchard et al. 2015)',
    homepage: 'https://www.garrickorchard.com/datasets/n-mnist',
    files: [
      { url: 'https://data.mendeley.com/public-files/datasets/468j46mzdv/files/39c25547-014b-4137-a934-9d29fa53c7a0/file_downloaded', name: 'Train.zip', checksum: { algorithm: 'md5', hex: '20959b8e626244a1b502305a9e6e2031' } },
      { url: 'https://data.mendeley.com/public-files/datasets/468j46mzdv/files/05a4d654-7e03-4c15-bdfa-9bb2bcbea494/file_downloaded', name: 'Test.zip', checksum: { algorithm: 'md5', hex: '69ca8762b2fe404d9b9bad1103e97832' } },
    ],
  },
  {
    id: 'cifar10',
    title: 'CIFAR-10, binary version (Krizhevsky 2009)',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    files: [{ url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', name: 'cifar-10-binary.tar.gz', checksum: { algorithm: 'md5', hex: 'c32a1d4ab5d03f1284b67883e8d87530' } }],
  },
];

/**
 * Downloads (resuming) and extracts every file of a dataset into `dir/<id>/`; returns that folder.
 * A `.complete` marker per file skips files done before. `baseUrl` replaces the official host (tests,
 * mirrors): file URLs become `<baseUrl>/<name>`.
 */
export async function installDataset(source: DatasetSource, dir: string, opts: { signal?: AbortSignal; baseUrl?: string; onProgress?: (file: string, received: number, total?: number) => void } = {}): Promise<string> {
  const root = join(dir, source.id);
  mkdirSync(root, { recursive: true });
  for (const f of source.files) {
    const marker = join(root, `${f.name}.complete`);
    if (existsSync(marker)) continue;
    const archive = join(root, f.name);
    if (!existsSync(archive)) {
      await download(opts.baseUrl ? `${opts.baseUrl}/${f.name}` : f.url, {
        dest: archive, checksum: f.checksum, signal: opts.signal, onProgress: (r, t) => opts.onProgress?.(f.name, r, t),
      });
    }
    try {
      await extractArchive(archive, root, opts.signal);
    } catch (e) {
      // A damaged archive is not worth keeping: the next attempt downloads it afresh.
      if (!opts.signal?.aborted) rmSync(archive, { force: true });
      throw e;
    }
    writeFileSync(marker, '');
  }
  return root;
}
