"""English and Arabic text: server messages, seed titles and the words synthesised string fields use.

``Accept-Language: ar`` selects Arabic, anything else English (the contract's AcceptLanguage parameter).
"""

from __future__ import annotations

LANGS = ("en", "ar")

MESSAGES: dict[str, dict[str, str]] = {
    "unauthenticated": {"en": "Unauthenticated.", "ar": "غير مصرح بالدخول."},
    "forbidden": {"en": "This action is unauthorized.", "ar": "هذا الإجراء غير مسموح به."},
    "not_found": {"en": "Not found.", "ar": "غير موجود."},
    "route_not_found": {"en": "The route could not be found.", "ar": "المسار غير موجود."},
    "method_not_allowed": {
        "en": "The {method} method is not supported for route {path}. Supported methods: {allowed}.",
        "ar": "الطريقة {method} غير مدعومة للمسار {path}. الطرق المدعومة: {allowed}.",
    },
    "tenant_missing": {"en": "No Tenant header was provided", "ar": "لم يتم إرسال ترويسة المنصة"},
    "tenant_unknown": {"en": "Tenant not found", "ar": "المنصة غير موجودة"},
    "too_many": {"en": "Too Many Attempts.", "ar": "محاولات كثيرة جداً."},
    "invalid": {"en": "The given data was invalid.", "ar": "البيانات المرسلة غير صالحة."},
    "server_error": {"en": "Server Error", "ar": "خطأ في الخادم"},
    "deleted": {"en": "Deleted successfully.", "ar": "تم الحذف بنجاح."},
    "saved": {"en": "Saved successfully.", "ar": "تم الحفظ بنجاح."},
    "done": {"en": "Done successfully.", "ar": "تمت العملية بنجاح."},
    "logged_out": {"en": "Logged out successfully.", "ar": "تم تسجيل الخروج بنجاح."},
    "bad_credentials": {"en": "These credentials do not match our records.", "ar": "بيانات الدخول غير صحيحة."},
    "bad_client": {"en": "Client authentication failed.", "ar": "فشل التحقق من هوية العميل."},
    "required": {"en": "The {field} field is required.", "ar": "حقل {field} مطلوب."},
    "type": {"en": "The {field} field must be of type {types}.", "ar": "يجب أن يكون حقل {field} من النوع {types}."},
    "enum": {"en": "The selected {field} is invalid.", "ar": "قيمة {field} المختارة غير صالحة."},
    "generic": {"en": "The {field} field is invalid.", "ar": "حقل {field} غير صالح."},
    "taken": {"en": "The {field} has already been taken.", "ar": "قيمة {field} مستخدمة من قبل."},
    "empty_cart": {"en": "Your cart is empty.", "ar": "سلة المشتريات فارغة."},
}


def message(key: str, lang: str, **fields: object) -> str:
    text = MESSAGES[key].get(lang) or MESSAGES[key]["en"]
    return text.format(**fields) if fields else text


# Seed titles of the main resources: real text in both languages (the language check reads these).
SEED_TITLES: dict[str, list[tuple[str, str]]] = {
    "courses": [
        ("Python for Beginners", "بايثون للمبتدئين"),
        ("Arabic Calligraphy", "فن الخط العربي"),
        ("Digital Marketing Essentials", "أساسيات التسويق الرقمي"),
    ],
    "products": [
        ("Design Templates Pack", "حزمة قوالب التصميم"),
        ("One-to-one Coaching", "جلسة إرشاد فردية"),
        ("Productivity E-book", "كتاب الإنتاجية الإلكتروني"),
    ],
    "articles": [
        ("How to Learn Faster", "كيف تتعلم بشكل أسرع"),
        ("Ten Tips for Online Teaching", "عشر نصائح للتعليم عن بعد"),
    ],
}

# Nouns for the generic "<noun> <n>" titles of every other seeded resource.
NOUNS: dict[str, tuple[str, str]] = {
    "courses": ("Course", "دورة"),
    "chapters": ("Chapter", "فصل"),
    "contents": ("Lesson", "درس"),
    "comments": ("Comment", "تعليق"),
    "members": ("Member", "عضو"),
    "segments": ("Segment", "شريحة"),
    "products": ("Product", "منتج"),
    "coupons": ("Coupon", "قسيمة"),
    "orders": ("Order", "طلب"),
    "articles": ("Article", "مقالة"),
    "taxonomies": ("Category", "تصنيف"),
    "certificates": ("Certificate", "شهادة"),
    "certificate_templates": ("Certificate template", "قالب شهادة"),
    "quizzes": ("Quiz", "اختبار"),
    "questions": ("Question", "سؤال"),
    "webhooks": ("Webhook", "خطاف ويب"),
    "campaigns": ("Campaign", "حملة"),
    "pages": ("Page", "صفحة"),
    "reviews": ("Review", "تقييم"),
    "roles": ("Role", "دور"),
    "users": ("User", "مستخدم"),
    "videos": ("Video", "فيديو"),
    "domains": ("Domain", "نطاق"),
    "menus": ("Menu", "قائمة"),
    "instructors": ("Instructor", "مدرب"),
    "appointments": ("Appointment", "موعد"),
    "assignments": ("Assignment", "واجب"),
}
DEFAULT_NOUN = ("Item", "عنصر")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# Words for synthesised string fields, by property name; "text" is the fallback.
FIELD_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Sample title", "عنوان تجريبي"),
    "name": ("Sara Ahmed", "سارة أحمد"),
    "first_name": ("Sara", "سارة"),
    "last_name": ("Ahmed", "أحمد"),
    "description": ("A short description.", "وصف قصير."),
    "summary": ("A short summary.", "ملخص قصير."),
    "content": ("Welcome to the academy.", "مرحباً بك في الأكاديمية."),
    "body": ("Welcome to the academy.", "مرحباً بك في الأكاديمية."),
    "message": ("Done successfully.", "تمت العملية بنجاح."),
    "label": ("Label", "تسمية"),
    "bio": ("Instructor and designer.", "مدربة ومصممة."),
    "job_title": ("Instructor", "مدربة"),
    "education": ("Bachelor of Arts", "بكالوريوس آداب"),
    "subtitle": ("Learn step by step", "تعلم خطوة بخطوة"),
    "text": ("Sample text", "نص تجريبي"),
}
