import { start } from './start';
import { tauriBackend } from './tauri';

export default start(tauriBackend);
