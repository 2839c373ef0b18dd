"""`python -m infowork.site` (make site): build the course website into out/site/."""
from __future__ import annotations

import sys

from infowork.cli import russian_parser
from infowork.russian import plural
from infowork.site import SiteError, build


def main(argv: list[str] | None = None) -> int:
    parser = russian_parser(prog="python -m infowork.site",
                            description="Собрать сайт курса (уроки, задания, словарь данных) "
                                        "в out/site/.")
    parser.add_argument("--fresh", action="store_true",
                        help="собрать страницы заново (выполненные уроки берутся из кэша)")
    parser.add_argument("--module", action="append", metavar="NN_тема",
                        help="собрать только этот модуль (можно несколько раз)")
    args = parser.parse_args(argv)
    only = None
    if args.module:
        from infowork.course import load_manifest
        manifest = load_manifest()
        try:
            only = {mid: list(manifest.module(mid).lessons) for mid in args.module}
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
    print("Собираю сайт курса: уроки выполняются один раз, потом берутся из кэша...")
    try:
        built = build(only=only, fresh=args.fresh)
    except SiteError as exc:
        print(exc, file=sys.stderr)
        return 1
    if built.widget_note:
        print(built.widget_note, file=sys.stderr)
    seconds = round(built.seconds)
    print(f"Сайт собран за {plural(seconds, 'секунду', 'секунды', 'секунд')}: "
          f"{plural(built.pages, 'страница', 'страницы', 'страниц')} в {built.site}.")
    if built.executed:
        print(f"Выполнено: {plural(len(built.executed), 'урок', 'урока', 'уроков')}; "
              f"при следующей сборке неизменённые уроки возьмутся из кэша (out/site-build/).")
    else:
        print("Все уроки взяты из кэша: ни один не изменился.")
    print(f"Откройте {built.site / 'index.html'} в браузере или скопируйте папку на веб-сервер.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
