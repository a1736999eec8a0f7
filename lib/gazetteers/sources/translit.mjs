// Cyrillic -> Latin romanization of given names, in the forms Indonesian
// (and English-language) news use: Russian after BGN/PCGN-style conventions
// (Sergei, Nikolai, Dmitry, Yevgeny), Ukrainian after the official 2010
// national system (Volodymyr, Dmytro, Oleksii).

const RU = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i',
  й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't',
  у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y',
  ь: '', э: 'e', ю: 'yu', я: 'ya',
};
const RU_VOWELS = 'аеёиоуыэюяъь';

export function romanizeRussian(name) {
  const s = name.toLowerCase();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i], prev = i > 0 ? s[i - 1] : '', next = s[i + 1] ?? '';
    if (c === 'е' && (i === 0 || RU_VOWELS.includes(prev))) { out += 'ye'; continue; }
    if (c === 'й' && next === '') {
      // final -ий after a consonant: Dmitry, Yury, Anatoly; -ей/-ай/-ой: Sergei, Nikolai
      if (prev === 'и') { out = out.slice(0, -1) + 'y'; continue; }
      if (prev === 'е' || prev === 'а') { out += 'i'; continue; }
    }
    if (!(c in RU)) throw new Error(`romanizeRussian: unexpected '${c}' in ${name}`);
    out += RU[c];
  }
  return out.charAt(0).toUpperCase() + out.slice(1);
}

// Ukrainian: letters with a word-initial form and another elsewhere.
const UK = {
  а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: ['ye', 'ie'], ж: 'zh', з: 'z',
  и: 'y', і: 'i', ї: ['yi', 'i'], й: ['y', 'i'], к: 'k', л: 'l', м: 'm', н: 'n', о: 'o',
  п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ь: '', ю: ['yu', 'iu'], я: ['ya', 'ia'], '’': '', "'": '',
};

export function romanizeUkrainian(name) {
  const s = name.toLowerCase();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!(c in UK)) throw new Error(`romanizeUkrainian: unexpected '${c}' in ${name}`);
    const t = UK[c];
    if (Array.isArray(t)) out += i === 0 ? t[0] : t[1];
    else if (c === 'г' && s[i - 1] === 'з') out += 'gh'; // зг -> zgh
    else out += t;
  }
  return out.charAt(0).toUpperCase() + out.slice(1);
}
