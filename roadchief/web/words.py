"""Every word the web app shows, in Chinese (the default) and English.

Kept in one table so that moving to the message catalogs of ``roadchief.i18n`` is
mechanical: each key becomes the English message, each Chinese text its translation.
"""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

WORDS: dict[str, tuple[str, str]] = {
    "app": ("路长制巡查", "Road chief patrols"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "name": ("账号", "Account"),
    "password": ("密码", "Password"),
    "bad_login": ("账号或密码不正确", "Wrong account or password"),
    "link_title": ("一次性登录链接", "One-time login link"),
    "link_ok": (
        "点击下面的按钮登录。此链接只能使用一次。",
        "Press the button to log in. The link works once.",
    ),
    "link_bad": (
        "此链接已失效（已使用、已撤销或已过期）。请向管理员索取新链接。",
        "This link no longer works (used, revoked or expired). Ask for a new one.",
    ),
    "too_many": ("请求过于频繁，请稍后再试。", "Too many requests; try again in a minute."),
    "forbidden": ("无权访问", "Not allowed"),
    "not_found": ("未找到", "Not found"),
    "bad_request": ("请求无效", "Bad request"),
    "csrf": (
        "页面已过期，请返回刷新后重试。",
        "The page has expired; go back, reload and try again.",
    ),
    "too_large": ("文件太大", "The file is too large"),
    "home": ("首页", "Home"),
    "lang_other": ("English", "中文"),
    "my_map": ("我的巡查图", "My patrol map"),
    "map_file": (
        "下载离线巡查图（单个文件，可发送）",
        "Download the map as one file (offline, to send)",
    ),
    "week": ("周", "Week"),
    "no_week": ("还没有排班。", "No week has been planned yet."),
    "no_page": ("本周没有你的巡查安排。", "You have no patrols in this week's plan."),
    "preparing": ("正在生成地图，请稍候……", "The map is being prepared; one moment…"),
    "patrol": ("巡查记录", "Patrol"),
    "patrol_start": ("开始巡查", "Start patrol"),
    "patrol_finish": ("结束巡查", "Finish patrol"),
    "patrol_on": ("巡查中：正在记录位置", "Patrolling: recording your location"),
    "patrol_points": ("已记录位置点", "Points recorded"),
    "patrol_nogeo": (
        "无法获取位置：请允许浏览器使用定位。",
        "No location: allow this page to use it.",
    ),
    "patrol_list": ("最近的巡查", "Recent patrols"),
    "started": ("开始", "Started"),
    "finished": ("结束", "Finished"),
    "points": ("位置点", "Points"),
    "open": ("进行中", "Open"),
    "download_track": ("下载轨迹 (GeoJSON)", "Download track (GeoJSON)"),
    "photo": ("照片", "Photo"),
    "photo_add": ("上传照片", "Add a photo"),
    "photo_bad": ("不是可用的图片（支持 JPEG、PNG、WebP）", "Not a usable image (JPEG, PNG, WebP)"),
    "area": ("辖区", "My area"),
    "people": ("人员", "People"),
    "level": ("级别", "Level"),
    "zone": ("责任区", "Zone"),
    "level_general": ("总路长", "General chief"),
    "level_l1": ("一级路长", "Level-1 chief"),
    "level_l2": ("二级路长", "Level-2 chief"),
    "level_segment": ("路段长", "Segment chief"),
    "level_patroller": ("巡查员", "Patroller"),
    "tracks": ("巡查轨迹", "Tracks"),
    "plan": ("排班", "Planning"),
    "import": ("导入文件", "Import files"),
    "import_hint": (
        "每类文件选一个；同一次导入中的文件一起检查，全部成功或全部不变。",
        "One file per kind; the files of one import are checked together, all or nothing.",
    ),
    "crs": ("坐标系（文件没有时）", "CRS (for files without one)"),
    "plan_week": ("排一周的班", "Plan a week"),
    "time_limit": ("求解时间（秒）", "Solver time (s)"),
    "strict": ("必须全覆盖", "Full coverage required"),
    "pins": (
        "固定巡查（CSV：日期、时段、人员、路段）",
        "Roster pins (CSV: date, slot, chief, segment)",
    ),
    "pins_owners": ("固定路段长（CSV：路段、人员）", "Owner pins (CSV: segment, chief)"),
    "submit": ("提交", "Submit"),
    "replan": ("人员临时缺勤后重排", "Re-plan after an absence"),
    "absent": ("缺勤人员编号（逗号分隔）", "Absent chief ids (comma separated)"),
    "from": ("从（日期）", "From (date)"),
    "until": ("到（日期，可空）", "Until (date, optional)"),
    "history": ("历史", "History"),
    "run": ("运行", "Run"),
    "planned_at": ("排班时间", "Planned"),
    "status": ("状态", "Status"),
    "gap": ("差距", "Gap"),
    "patrols": ("巡查次数", "Patrols"),
    "uncovered_km": ("未覆盖公里", "Uncovered km"),
    "files": ("下载", "Downloads"),
    "jobs": ("任务", "Jobs"),
    "job": ("任务", "Job"),
    "stage": ("阶段", "Stage"),
    "elapsed": ("已用时间", "Elapsed"),
    "state_queued": ("排队中", "Queued"),
    "state_running": ("运行中", "Running"),
    "state_done": ("完成", "Done"),
    "state_failed": ("失败", "Failed"),
    "kind_plan": ("排班", "Plan"),
    "kind_replan": ("重排", "Re-plan"),
    "kind_import": ("导入", "Import"),
    "kind_export": ("生成下载文件", "Prepare downloads"),
    "busy": ("同一任务正在运行", "The same job is already running"),
    "see_job": ("查看任务", "See the job"),
    "audit": ("操作记录", "Audit log"),
    "who": ("谁", "Who"),
    "when": ("时间", "When"),
    "what": ("操作", "What"),
    "result": ("结果", "Result"),
    "error": ("错误", "Error"),
}


def word(lang: str, key: str, **values: Any) -> str:
    """The text of ``key`` in ``lang`` (Chinese unless ``en``), with ``values`` filled in."""
    zh, en = WORDS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def pick_lang(cookie: str | None) -> str:
    """The language: the user's choice (cookie), else Chinese; English only when asked."""
    return cookie if cookie in LANGS else DEFAULT_LANG
