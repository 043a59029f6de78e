import { mount } from 'svelte';
import '../styles/portal.css';
import { browserLanguage, locale } from '../lib/i18n';
import App from './App.svelte';

locale.set(browserLanguage());

const target = document.getElementById('portal');
if (!target) throw new Error('portal.html has no #portal element');

export default mount(App, { target });
