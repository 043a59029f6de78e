// The guest's pre-registration page (guest.html, served by the cloud at /guest/<code>): no
// account, the signed code from their invitation email in the address.
import { mount } from 'svelte';
import '../styles/portal.css';
import { browserLanguage, locale } from '../lib/i18n';
import Guest from './pages/Guest.svelte';

locale.set(browserLanguage());

const target = document.getElementById('guest');
if (!target) throw new Error('guest.html has no #guest element');

export default mount(Guest, { target, props: { code: decodeURIComponent(location.pathname.replace(/^\/guest\//, '')) } });
