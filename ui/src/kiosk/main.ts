import { mount } from 'svelte';
import '../styles/kiosk.css';
import App from './App.svelte';

const target = document.getElementById('kiosk');
if (!target) throw new Error('index.html has no #kiosk element');

// A kiosk has no use for the browser's own menus.
document.addEventListener('contextmenu', (event) => event.preventDefault());

export default mount(App, { target });
