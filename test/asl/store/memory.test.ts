import { MemoryStore } from '../../../asl/store/index.ts';
import { describeStoreContract } from './contract.ts';

describeStoreContract('MemoryStore', async () => new MemoryStore());
