/* global process, console */
// Runs kinesalite bound to loopback (its own CLI listens on all interfaces). Usage: node kinesalite-main.js <port>
import kinesalite from 'kinesalite';

const port = Number(process.argv[2]);
// Short CREATING/DELETING/UPDATING phases: tests still have to wait for ACTIVE, but not 500 ms each time.
const server = kinesalite({ createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100 });
server.listen(port, '127.0.0.1', () => console.log(`kinesalite listening on http://127.0.0.1:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
